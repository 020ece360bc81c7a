-- Check: the variants of one segment do not overlap, so a customer falls into one variant at most.
-- Returns each overlapping pair.
select
    a.segment_name,
    a.segment_variant as variant,
    b.segment_variant as overlapping_variant
from segment_definitions as a
join segment_definitions as b
    on a.segment_name = b.segment_name
    and a.segment_variant < b.segment_variant
    and a.lower_bound <= coalesce(b.upper_bound, 2147483647)
    and b.lower_bound <= coalesce(a.upper_bound, 2147483647)
