-- The rules each voucher assignment row meets, as macros, so the view of every row
-- (int_voucher_assignment_rows) and the counts (voucher_assignment_counts) apply the very same rules.
-- Text rules that depend only on one column's text run once per distinct text, in tables of their own:
-- country_names (missing_country, the country's spelling), total_orders_values (frequency_exclusion)
-- and last_order_times. Reads nothing.

-- row_hash(...): the hash of a row's six columns as they arrived, the same in every step that tells copies
-- apart (duplicate_row_hashes, int_voucher_assignment_rows, voucher_assignment_counts): rows with equal
-- hashes are compared by their columns, so a collision never merges two different rows.
create or replace macro row_hash(assigned_at_text, country_text, last_order_text, first_order_at, total_orders_text, voucher_amount) as
    hash(assigned_at_text, country_text, last_order_text, first_order_at, total_orders_text, voucher_amount);

-- utc_timestamp(text): timestamp and last_order_ts are read as timestamps with their UTC offset; text
-- without an offset is UTC (the runner sets TimeZone = 'UTC'); text that is not a timestamp is null.
create or replace macro utc_timestamp(text) as try_cast(text as timestamptz);

-- rejection_reason: the first rule a row breaks, in this order; a rejected row counts nowhere.
--   missing_country               country_code null, empty or only spaces (country_key is null)
--   missing_voucher_amount        voucher_amount null, NaN or unreadable (never imputed: filling it
--                                 with the usual amount would inflate the very mode being computed)
--   invalid_voucher_amount        voucher_amount not above 0, or infinite
--   first_order_after_last_order  first_order_ts later than last_order_ts
-- (duplicate_row, every column equal to an earlier row, is counted where copies are folded:
-- int_voucher_assignments and voucher_assignment_counts.)
create or replace macro rejection_reason(country_key, voucher_amount, is_first_order_after_last_order) as
    case
        when country_key is null then 'missing_country'
        when voucher_amount is null or isnan(voucher_amount) then 'missing_voucher_amount'
        when not isfinite(voucher_amount) or voucher_amount <= 0 then 'invalid_voucher_amount'
        when is_first_order_after_last_order then 'first_order_after_last_order'
    end;

-- recency_exclusion: why a kept row does not count toward recency_segment (null when it does).
create or replace macro recency_exclusion(assigned_at, last_order_at) as
    case
        when assigned_at is null then 'timestamp_unreadable'
        when last_order_at is null then 'last_order_ts_unreadable'
        when last_order_at > assigned_at then 'last_order_after_timestamp'
    end;

-- days_since_last_order: UTC calendar days from the date of last_order_ts to the date of the
-- assignment's own timestamp (not now, not first_order_ts); null when recency_exclusion is not.
-- Day numbers are taken from the epoch (microseconds since 1970-01-01 UTC), which no time zone
-- setting can shift.
create or replace macro days_since_last_order(assigned_at, last_order_at) as
    case
        when recency_exclusion(assigned_at, last_order_at) is null
            then floor(epoch_us(assigned_at) / 86400000000) - floor(epoch_us(last_order_at) / 86400000000)
    end;
