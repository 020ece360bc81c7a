-- stg_voucher_assignments: one row per row of the input parquet, renamed and typed. No business rules.
-- Reads raw_voucher_assignments, the view the pipeline runner creates over read_parquet(DATA_PATH).
-- The text columns stay text exactly as they arrived: duplicates are judged on what arrived, rejected
-- rows are shown as they arrived, and reading a timestamp out of text is a rule of its own
-- (utc_timestamp in 005_row_rules). first_order_ts, a real UTC timestamp in the input, and voucher_amount
-- are cast to their types (a value that cannot be cast becomes null).
create or replace view stg_voucher_assignments as
with source as (
    select * from raw_voucher_assignments
),

final as (
    select
        (file_row_number + 1)::bigint              as source_row,
        "timestamp"::varchar                       as assigned_at_text,
        country_code::varchar                      as country_text,
        last_order_ts::varchar                     as last_order_text,
        try_cast(first_order_ts as timestamptz)    as first_order_at,
        total_orders::varchar                      as total_orders_text,
        try_cast(voucher_amount as double)         as voucher_amount
    from source
)

select * from final
