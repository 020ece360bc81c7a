-- data_quality: one row per cleaning rule that touched at least one row in this run: the rule, what
-- it did to the rows (rejected, or left out of one segment) and how many input rows it touched.
-- Reads voucher_assignment_counts; the rules are described in 005_row_rules and the per-text tables
-- (011_country_names, 012_total_orders_values).
create or replace table data_quality as
with assignments as (
    select * from voucher_assignment_counts
),

outcomes as (
    select rejection_reason as rule, 'rejected' as effect, input_rows
    from assignments
    where not is_kept
    union all
    select frequency_exclusion, 'not counted toward frequent_segment', input_rows
    from assignments
    where is_kept and frequency_exclusion is not null
    union all
    select recency_exclusion, 'not counted toward recency_segment', input_rows
    from assignments
    where is_kept and recency_exclusion is not null
),

final as (
    select
        rule::varchar             as rule,
        effect::varchar           as effect,
        sum(input_rows)::integer  as rows
    from outcomes
    group by all
    order by effect, rows desc, rule
)

select * from final
