-- int_voucher_assignments: one row per distinct input row (exact duplicates folded together, with
-- `copies` and the first source row), with the outcome of every cleaning rule.
-- Reads stg_voucher_assignments. A view: the pipeline materializes only its counts (030).
-- The rules, in the order a row meets them:
--   duplicate_row                 every column equal to an earlier row: only the first copy counts
--                                 (the other copies - 1 are counted as rejected in 030)
--   missing_country               country_code null, empty or only spaces
--   missing_voucher_amount        voucher_amount null, NaN or unreadable (never imputed: filling it
--                                 with the usual amount would inflate the very mode being computed)
--   invalid_voucher_amount        voucher_amount not above 0, or infinite
--   first_order_after_last_order  first_order_ts later than last_order_ts
-- A row with a rejection_reason counts nowhere. A kept row may still be left out of one segment:
--   frequency_exclusion  total_orders empty, not a number, negative, not whole ('136.0' is 136) or
--                        beyond 2,147,483,647: the row does not count toward frequent_segment
--                        (an empty total_orders is unknown, never 0 orders)
--   recency_exclusion    timestamp or last_order_ts unreadable, or last_order_ts after timestamp:
--                        the row does not count toward recency_segment
-- days_since_last_order: UTC calendar days from the date of last_order_ts to the date of the
-- assignment's own timestamp (not now, not first_order_ts). Day numbers are taken from the epoch
-- (microseconds since 1970-01-01 UTC), which no time zone setting can shift.
-- Text rules run once per distinct text (countries, total_orders) and are joined back: the input
-- has millions of rows but only a few hundred distinct values in those columns.
-- timestamp and last_order_ts are read as timestamps with their UTC offset; text without an offset
-- is UTC (the runner sets TimeZone = 'UTC'); text that is not a timestamp is unreadable.
-- Countries are trimmed and compared case-insensitively (country_key); country_code is the
-- country's usual spelling: its most used mixed-case spelling, or a title-cased one.
create or replace view int_voucher_assignments as
with staged as (
    select * from stg_voucher_assignments
),

hashed as (
    select
        *,
        hash(assigned_at_text, country_text, last_order_text, first_order_at, total_orders_text, voucher_amount) as row_hash
    from staged
),

shared_hashes as (
    select row_hash
    from hashed
    group by row_hash
    having count(*) > 1
),

-- Rows whose hash no other row has are unique. Only the few that share a hash are grouped by every
-- column, so two different rows that happen to share a hash are never merged.
folded as (
    select
        assigned_at_text, country_text, last_order_text, first_order_at, total_orders_text, voucher_amount,
        source_row as first_source_row,
        1           as copies
    from hashed
    anti join shared_hashes using (row_hash)
    union all
    select
        assigned_at_text, country_text, last_order_text, first_order_at, total_orders_text, voucher_amount,
        min(source_row),
        count(*)
    from hashed
    semi join shared_hashes using (row_hash)
    group by assigned_at_text, country_text, last_order_text, first_order_at, total_orders_text, voucher_amount
),

distinct_rows as (
    select
        *,
        try_cast(assigned_at_text as timestamptz) as assigned_at,
        try_cast(last_order_text as timestamptz)  as last_order_at
    from folded
),

country_texts as (
    select
        country_text,
        nullif(trim(country_text, ' ' || chr(9) || chr(10) || chr(13)), '') as country_trimmed,
        lower(country_trimmed) as country_key,
        sum(copies)            as uses
    from distinct_rows
    group by country_text
),

usual_spellings as (
    select
        country_key,
        arg_max(country_trimmed, (country_trimmed <> upper(country_trimmed) and country_trimmed <> lower(country_trimmed), uses, -len(country_trimmed))) as usual_spelling
    from country_texts
    where country_key is not null
    group by country_key
),

country_names as (
    select
        country_key,
        case
            when usual_spelling <> upper(usual_spelling) and usual_spelling <> lower(usual_spelling) then usual_spelling
            else array_to_string(
                list_transform(string_split(lower(usual_spelling), ' '), word -> upper(left(word, 1)) || substr(word, 2)),
                ' '
            )
        end as country_code
    from usual_spellings
),

total_orders_texts as (
    select
        total_orders_text,
        try_cast(trim(total_orders_text, ' ' || chr(9) || chr(10) || chr(13)) as double) as total_orders_number,
        case
            when trim(total_orders_text, ' ' || chr(9) || chr(10) || chr(13)) = '' then 'total_orders_missing'
            when total_orders_number is null or not isfinite(total_orders_number) then 'total_orders_not_a_number'
            when total_orders_number < 0 then 'total_orders_negative'
            when total_orders_number <> floor(total_orders_number) then 'total_orders_not_whole'
            when total_orders_number > 2147483647 then 'total_orders_out_of_range'
        end as frequency_exclusion
    from (select distinct total_orders_text from distinct_rows where total_orders_text is not null)
),

judged as (
    select
        distinct_rows.*,
        country_texts.country_key,
        country_names.country_code,
        case
            when country_texts.country_key is null then 'missing_country'
            when voucher_amount is null or isnan(voucher_amount) then 'missing_voucher_amount'
            when not isfinite(voucher_amount) or voucher_amount <= 0 then 'invalid_voucher_amount'
            when first_order_at > last_order_at then 'first_order_after_last_order'
        end as rejection_reason,
        coalesce(total_orders_texts.frequency_exclusion, case when total_orders_texts.total_orders_text is null then 'total_orders_missing' end) as frequency_exclusion,
        case when frequency_exclusion is null then total_orders_texts.total_orders_number end as total_orders,
        case
            when assigned_at is null then 'timestamp_unreadable'
            when last_order_at is null then 'last_order_ts_unreadable'
            when last_order_at > assigned_at then 'last_order_after_timestamp'
        end as recency_exclusion,
        case
            when recency_exclusion is null
                then floor(epoch_us(assigned_at) / 86400000000) - floor(epoch_us(last_order_at) / 86400000000)
        end as days_since_last_order
    from distinct_rows
    left join country_texts using (country_text)
    left join country_names using (country_key)
    left join total_orders_texts using (total_orders_text)
),

final as (
    select
        first_source_row::bigint           as first_source_row,
        copies::bigint                     as copies,
        rejection_reason::varchar          as rejection_reason,
        (rejection_reason is null)::boolean as is_kept,
        country_key::varchar               as country_key,
        country_code::varchar              as country_code,
        voucher_amount::double             as voucher_amount,
        frequency_exclusion::varchar       as frequency_exclusion,
        total_orders::integer              as total_orders,
        recency_exclusion::varchar         as recency_exclusion,
        days_since_last_order::integer     as days_since_last_order,
        assigned_at::timestamptz           as assigned_at,
        last_order_at::timestamptz         as last_order_at,
        first_order_at::timestamptz        as first_order_at,
        assigned_at_text::varchar          as assigned_at_text,
        country_text::varchar              as country_text,
        last_order_text::varchar           as last_order_text,
        total_orders_text::varchar         as total_orders_text
    from judged
)

select * from final
