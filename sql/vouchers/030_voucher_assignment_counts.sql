-- voucher_assignment_counts: one row per outcome, country, amount and pair of measures, with the
-- number of input rows that share them. The one table the pipeline computes from the input's rows;
-- the marts and the quality report read only this.
-- Reads stg_voucher_assignments in one pass, with the rules of 005_row_rules and the per-text tables
-- (country_names, total_orders_values, last_order_times) and duplicate_row_hashes. Rows that may have
-- copies are told apart by every column they arrived with: the first copy keeps its own outcome, the
-- other copies are counted as rejected with reason duplicate_row; every other row counts as itself.
-- Each row is first counted by the texts the per-text rules read (a few hundred thousand groups
-- for millions of rows), and those rules run once per group: the same outcomes as
-- int_voucher_assignment_rows gives row by row, at a fraction of the cost.
create or replace table voucher_assignment_counts as
with staged as (
    select * from stg_voucher_assignments
),

timed as (
    select
        staged.*,
        row_hash(assigned_at_text, country_text, last_order_text, first_order_at, total_orders_text, voucher_amount)
            in (select row_hash from duplicate_row_hashes) as may_have_copies,
        utc_timestamp(assigned_at_text)                    as assigned_at,
        last_order_times.last_order_at
    from staged
    left join last_order_times using (last_order_text)
),

counted as (
    select
        country_text,
        total_orders_text,
        voucher_amount,
        first_order_at > last_order_at                          as is_first_order_after_last_order,
        recency_exclusion(assigned_at, last_order_at)           as recency_exclusion,
        days_since_last_order(assigned_at, last_order_at)       as days_since_last_order,
        count(*)                                                as input_rows,
        count(*) filter (may_have_copies)                       as copied_rows,
        count(distinct {
            'timestamp': assigned_at_text, 'country_code': country_text, 'last_order_ts': last_order_text,
            'first_order_ts': first_order_at, 'total_orders': total_orders_text, 'voucher_amount': voucher_amount
        }) filter (may_have_copies)                             as distinct_copied_rows
    from timed
    group by all
),

judged as (
    select
        counted.*,
        country_names.country_key,
        country_names.country_code,
        rejection_reason(country_names.country_key, voucher_amount, is_first_order_after_last_order) as rejection_reason,
        case when total_orders_values.total_orders_text is null then 'total_orders_missing' else total_orders_values.frequency_exclusion end as frequency_exclusion,
        total_orders_values.total_orders
    from counted
    left join country_names using (country_text)
    left join total_orders_values using (total_orders_text)
),

outcomes as (
    select
        rejection_reason, country_key, country_code, voucher_amount,
        total_orders, frequency_exclusion, days_since_last_order, recency_exclusion,
        input_rows - copied_rows + distinct_copied_rows as input_rows
    from judged
    union all
    select
        'duplicate_row', country_key, country_code, voucher_amount,
        total_orders, frequency_exclusion, days_since_last_order, recency_exclusion,
        copied_rows - distinct_copied_rows
    from judged
    where copied_rows > distinct_copied_rows
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
