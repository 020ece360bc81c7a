-- total_orders_values: one row per distinct total_orders text, with the number of orders it states
-- or the reason it states none (frequency_exclusion: the row does not count toward frequent_segment).
-- Reads the total_orders column of stg_voucher_assignments; the rule runs once per distinct text.
--   total_orders_missing       '' or only spaces: unknown, never 0 orders (a null text is missing too)
--   total_orders_not_a_number  not a finite number
--   total_orders_negative      below 0
--   total_orders_not_whole     a fraction ('136.0' is 136, '2.5' is not a number of orders)
--   total_orders_out_of_range  beyond 2,147,483,647
create or replace table total_orders_values as
with texts as (
    select distinct total_orders_text from stg_voucher_assignments where total_orders_text is not null
),

judged as (
    select
        total_orders_text,
        try_cast(trim(total_orders_text, ' ' || chr(9) || chr(10) || chr(13)) as double) as total_orders_number,
        case
            when trim(total_orders_text, ' ' || chr(9) || chr(10) || chr(13)) = '' then 'total_orders_missing'
            when total_orders_number is null or not isfinite(total_orders_number) then 'total_orders_not_a_number'
            when total_orders_number < 0 then 'total_orders_negative'
            when total_orders_number <> floor(total_orders_number) then 'total_orders_not_whole'
            when total_orders_number > 2147483647 then 'total_orders_out_of_range'
        end as frequency_exclusion
    from texts
),

final as (
    select
        total_orders_text::varchar                                                       as total_orders_text,
        (case when frequency_exclusion is null then total_orders_number end)::integer    as total_orders,
        frequency_exclusion::varchar                                                     as frequency_exclusion
    from judged
)

select * from final
