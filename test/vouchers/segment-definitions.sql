-- The segment definitions of the tests of the pipeline's mechanics (test/helpers/warehouse.ts puts this file
-- in place of sql/vouchers/060_segment_definitions.sql in the tests' copy of sql/). They are the fixture's
-- own, chosen for the fixtures in test/vouchers/fixtures.ts, so changing the shipped bounds fails only the
-- tests that pin the shipped answers (test/vouchers/shipped-segments.test.ts). Same columns as the shipped file.
create or replace table segment_definitions as
with definitions (segment_name, segment_variant, measure, lower_bound, upper_bound) as (
    values
        ('frequent_segment', '0-4',     'total_orders',          0,   4),
        ('frequent_segment', '5-13',    'total_orders',          5,   13),
        ('frequent_segment', '14-37',   'total_orders',          14,  37),
        ('recency_segment',  '30-60',   'days_since_last_order', 30,  60),
        ('recency_segment',  '61-90',   'days_since_last_order', 61,  90),
        ('recency_segment',  '91-120',  'days_since_last_order', 91,  120),
        ('recency_segment',  '121-180', 'days_since_last_order', 121, 180),
        ('recency_segment',  '180+',    'days_since_last_order', 181, null)
),

final as (
    select
        segment_name::varchar    as segment_name,
        segment_variant::varchar as segment_variant,
        measure::varchar         as measure,
        lower_bound::integer     as lower_bound,
        upper_bound::integer     as upper_bound
    from definitions
)

select * from final
