-- segment_vouchers: one row per country, segment and variant that has data. voucher_amount is the
-- most used amount among the variant's clean rows in that country; a tie goes to the smaller amount.
-- voucher_count is the number of rows that chose it, variant_rows the variant's rows in all.
-- Reads the kept rows of voucher_assignment_counts and segment_definitions (bounds inclusive, a null
-- upper bound means no limit). Rows arrive counted per measure value, so the range join is small.
create or replace table segment_vouchers as
with assignments as (
    select * from voucher_assignment_counts where is_kept
),

definitions as (
    select * from segment_definitions
),

measured as (
    select country_key, country_code, 'total_orders' as measure, total_orders as measure_value, voucher_amount, input_rows
    from assignments
    where total_orders is not null
    union all
    select country_key, country_code, 'days_since_last_order', days_since_last_order, voucher_amount, input_rows
    from assignments
    where days_since_last_order is not null
),

measure_counts as (
    select country_key, country_code, measure, measure_value, voucher_amount, sum(input_rows) as uses
    from measured
    group by all
),

amount_counts as (
    select
        measure_counts.country_key,
        measure_counts.country_code,
        definitions.segment_name,
        definitions.segment_variant,
        measure_counts.voucher_amount,
        sum(measure_counts.uses) as uses
    from measure_counts
    join definitions
        on definitions.measure = measure_counts.measure
        and measure_counts.measure_value >= definitions.lower_bound
        and (definitions.upper_bound is null or measure_counts.measure_value <= definitions.upper_bound)
    group by all
),

ranked as (
    select
        *,
        sum(uses) over variant as variant_rows,
        row_number() over (variant order by uses desc, voucher_amount asc) as rank_in_variant
    from amount_counts
    window variant as (partition by country_key, segment_name, segment_variant)
),

final as (
    select
        country_key::varchar     as country_key,
        country_code::varchar    as country_code,
        segment_name::varchar    as segment_name,
        segment_variant::varchar as segment_variant,
        voucher_amount::double   as voucher_amount,
        uses::integer            as voucher_count,
        variant_rows::integer    as variant_rows
    from ranked
    where rank_in_variant = 1
    order by country_code, segment_name, segment_variant
)

select * from final
