-- Check: every amount the API can answer is a finite number above 0.
-- Returns each answer whose amount is not.
select 'segment_vouchers' as source, country_code, segment_variant, voucher_amount
from segment_vouchers
where voucher_amount is null or not isfinite(voucher_amount) or voucher_amount <= 0
union all
select 'country_vouchers', country_code, null, voucher_amount
from country_vouchers
where voucher_amount is null or not isfinite(voucher_amount) or voucher_amount <= 0
