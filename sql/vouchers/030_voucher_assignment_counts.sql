-- voucher_assignment_counts: one row per outcome, country, amount and pair of measures, with the
-- number of input rows that share them. The one table the pipeline computes from the input; the
-- marts and the quality report read only this, so the parquet is read once per refresh.
-- Reads int_voucher_assignments. The extra copies of a duplicated row are counted here as
-- rejected with reason duplicate_row (the first copy keeps its own outcome); both are counted in
-- one pass over the rows, then split.
create or replace table voucher_assignment_counts as
with assignments as (
    select * from int_voucher_assignments
),

grouped as (
    select
        rejection_reason, country_key, country_code, voucher_amount,
        total_orders, frequency_exclusion, days_since_last_order, recency_exclusion,
        count(*)         as first_copies,
        sum(copies - 1)  as extra_copies
    from assignments
    group by all
),

outcomes as (
    select
        rejection_reason, country_key, country_code, voucher_amount,
        total_orders, frequency_exclusion, days_since_last_order, recency_exclusion,
        first_copies as input_rows
    from grouped
    union all
    select
        'duplicate_row', country_key, country_code, voucher_amount,
        total_orders, frequency_exclusion, days_since_last_order, recency_exclusion,
        extra_copies
    from grouped
    where extra_copies > 0
),

final as (
    select
        rejection_reason::varchar       as rejection_reason,
        (rejection_reason is null)::boolean as is_kept,
        country_key::varchar            as country_key,
        country_code::varchar           as country_code,
        voucher_amount::double          as voucher_amount,
        total_orders::integer           as total_orders,
        frequency_exclusion::varchar    as frequency_exclusion,
        days_since_last_order::integer  as days_since_last_order,
        recency_exclusion::varchar      as recency_exclusion,
        sum(input_rows)::bigint         as input_rows
    from outcomes
    group by all
)

select * from final
