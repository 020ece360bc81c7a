-- data_quality: one row per cleaning rule that touched at least one row in this run: the rule, what
-- it did to the rows (rejected, or left out of one segment) and how many rows it touched.
-- Reads int_voucher_assignments; the rules are described there.
create or replace table data_quality as
with assignments as (
    select * from int_voucher_assignments
),

outcomes as (
    select rejection_reason as rule, 'rejected' as effect from assignments where not is_kept
    union all
    select frequency_exclusion, 'not counted toward frequent_segment' from assignments where is_kept and frequency_exclusion is not null
    union all
    select recency_exclusion, 'not counted toward recency_segment' from assignments where is_kept and recency_exclusion is not null
),

final as (
    select
        rule::varchar       as rule,
        effect::varchar     as effect,
        count(*)::integer   as rows
    from outcomes
    group by all
    order by effect, rows desc, rule
)

select * from final
