-- Check: each answer was chosen by at least one row and by no more rows than its variant has,
-- and every country with a segment answer also has a country-wide answer to fall back on.
select country_code, segment_variant, 'voucher_count out of range' as problem
from segment_vouchers
where voucher_count < 1 or voucher_count > variant_rows
union all
select segment_vouchers.country_code, null, 'no country_vouchers row'
from segment_vouchers
anti join country_vouchers using (country_key)
