-- Check: every segment definition is usable: a known measure, bounds that are 0 or more with
-- lower <= upper, and a variant label used once per segment. Returns each bad definition.
select segment_name, segment_variant, measure, lower_bound, upper_bound, 'bad definition' as problem
from segment_definitions
where segment_name is null
    or segment_variant is null
    or measure not in ('total_orders', 'days_since_last_order')
    or lower_bound is null
    or lower_bound < 0
    or upper_bound < lower_bound
union all
select segment_name, segment_variant, null, null, null, 'variant defined ' || count(*) || ' times'
from segment_definitions
group by segment_name, segment_variant
having count(*) > 1
union all
select segment_name, null, null, null, null, 'segment uses ' || count(distinct measure) || ' measures'
from segment_definitions
group by segment_name
having count(distinct measure) > 1
