-- last_order_times: one row per distinct last_order_ts text, with the time it states (last_order_at;
-- null when the text is not a timestamp, read by utc_timestamp). Reads the last_order_ts column
-- of stg_voucher_assignments: the input has millions of rows and a few thousand last orders, so
-- each text is parsed once and joined back.
create or replace table last_order_times as
with texts as (
    select distinct last_order_text from stg_voucher_assignments where last_order_text is not null
),

final as (
    select
        last_order_text::varchar                        as last_order_text,
        utc_timestamp(last_order_text)::timestamptz     as last_order_at
    from texts
)

select * from final
