-- Check: segment_vouchers holds exactly one answer per country, segment and variant.
-- Returns each variant that has more than one row.
select country_key, segment_name, segment_variant, count(*) as answers
from segment_vouchers
group by all
having count(*) > 1
