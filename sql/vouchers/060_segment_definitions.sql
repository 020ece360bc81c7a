-- segment_definitions: one row per segment variant. The single source of truth for segment bounds:
-- the pipeline assigns rows with it and the API classifies requests with the same rows.
-- Both bounds are inclusive; an upper_bound of null means "and above".
-- measure names what the bounds apply to:
--   total_orders           the customer's number of orders
--   days_since_last_order  UTC calendar days from the date of the last order to the date of the
--                          assignment (pipeline) or to today (API)
-- To change a segment, edit a row here and refresh. Variants of one segment must not overlap
-- (a data check fails the refresh if they do).
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
