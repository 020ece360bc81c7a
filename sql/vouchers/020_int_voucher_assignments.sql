-- int_voucher_assignments: one row per input row, with the outcome of every cleaning rule.
-- Reads stg_voucher_assignments. The rules, in the order a row meets them:
--   duplicate_row                 every column equal to an earlier row: only the first copy counts
--   missing_country               country_code null, empty or only spaces
--   missing_voucher_amount        voucher_amount null, NaN or unreadable (never imputed: filling it
--                                 with the usual amount would inflate the very mode being computed)
--   invalid_voucher_amount        voucher_amount not above 0, or infinite
--   first_order_after_last_order  first_order_ts later than last_order_ts
-- A row with a rejection_reason counts nowhere. A kept row may still be left out of one segment:
--   frequency_exclusion  total_orders empty, not a number, negative, not whole ('136.0' is 136) or
--                        beyond 2,147,483,647:
--                        the row does not count toward frequent_segment (never read as 0 orders)
--   recency_exclusion    timestamp or last_order_ts unreadable, or last_order_ts after timestamp:
--                        the row does not count toward recency_segment
-- days_since_last_order: UTC calendar days from the date of last_order_ts to the date of the
-- assignment's own timestamp (not now, not first_order_ts).
-- Countries are trimmed and compared case-insensitively (country_key); country_code is the
-- country's usual spelling: its most used mixed-case spelling, or a title-cased one.
create or replace table int_voucher_assignments as
with staged as (
    select * from stg_voucher_assignments
),

trimmed as (
    select
        *,
        nullif(trim(country_text, ' ' || chr(9) || chr(10) || chr(13)), '') as country_trimmed,
        trim(total_orders_text, ' ' || chr(9) || chr(10) || chr(13))        as total_orders_trimmed,
        try_cast(total_orders_trimmed as double)                              as total_orders_number
    from staged
),

copies_numbered as (
    select
        *,
        row_number() over (
            partition by assigned_at_text, country_text, last_order_text, first_order_at, total_orders_text, voucher_amount
            order by source_row
        ) as copy_number
    from trimmed
),

spellings as (
    select
        lower(country_trimmed) as country_key,
        country_trimmed        as spelling,
        count(*)               as uses
    from trimmed
    where country_trimmed is not null
    group by all
),

usual_spellings as (
    select
        country_key,
        arg_max(
            spelling,
            (spelling <> upper(spelling) and spelling <> lower(spelling), uses, -len(spelling))
        ) as usual_spelling
    from spellings
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

judged as (
    select
        copies_numbered.*,
        lower(country_trimmed) as country_key,
        case
            when copy_number > 1 then 'duplicate_row'
            when country_trimmed is null then 'missing_country'
            when voucher_amount is null or isnan(voucher_amount) then 'missing_voucher_amount'
            when not isfinite(voucher_amount) or voucher_amount <= 0 then 'invalid_voucher_amount'
            when first_order_at > last_order_at then 'first_order_after_last_order'
        end as rejection_reason,
        case
            when total_orders_trimmed is null or total_orders_trimmed = '' then 'total_orders_missing'
            when total_orders_number is null or not isfinite(total_orders_number) then 'total_orders_not_a_number'
            when total_orders_number < 0 then 'total_orders_negative'
            when total_orders_number <> floor(total_orders_number) then 'total_orders_not_whole'
            when total_orders_number > 2147483647 then 'total_orders_out_of_range'
        end as frequency_exclusion,
        case
            when assigned_at is null then 'timestamp_unreadable'
            when last_order_at is null then 'last_order_ts_unreadable'
            when last_order_at > assigned_at then 'last_order_after_timestamp'
        end as recency_exclusion
    from copies_numbered
),

final as (
    select
        judged.source_row::bigint                 as source_row,
        judged.rejection_reason::varchar          as rejection_reason,
        (judged.rejection_reason is null)::boolean as is_kept,
        judged.country_key::varchar               as country_key,
        country_names.country_code::varchar       as country_code,
        judged.voucher_amount::double             as voucher_amount,
        judged.assigned_at::timestamptz           as assigned_at,
        judged.last_order_at::timestamptz         as last_order_at,
        judged.first_order_at::timestamptz        as first_order_at,
        judged.frequency_exclusion::varchar       as frequency_exclusion,
        case when judged.frequency_exclusion is null then judged.total_orders_number end::integer as total_orders,
        judged.recency_exclusion::varchar         as recency_exclusion,
        case
            when judged.recency_exclusion is null then date_diff(
                'day',
                timezone('UTC', judged.last_order_at)::date,
                timezone('UTC', judged.assigned_at)::date
            )
        end::integer                              as days_since_last_order,
        judged.assigned_at_text::varchar          as assigned_at_text,
        judged.country_text::varchar              as country_text,
        judged.last_order_text::varchar           as last_order_text,
        judged.total_orders_text::varchar         as total_orders_text
    from judged
    left join country_names using (country_key)
)

select * from final
