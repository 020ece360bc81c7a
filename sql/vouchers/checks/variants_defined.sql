-- Check: every variant in segment_vouchers is defined in segment_definitions.
-- Returns each answer whose segment or variant is not defined.
select segment_vouchers.country_code, segment_vouchers.segment_name, segment_vouchers.segment_variant
from segment_vouchers
anti join segment_definitions using (segment_name, segment_variant)
