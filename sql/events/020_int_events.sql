-- int_events: one row per event of stg_events, with the first rule it breaks (rejection_reason, null
-- when accepted), its UTC time (event_at) and an order's amount in USD (order_amount). A table, so the
-- events are read and judged once per run; the event's JSON stays in its file (event_index or event_id).
-- These are the rules of docs/ltv-events.md, in the order and words of ingest's own check
-- (src/ltv/events.ts), which judges events sent to POST /events and `npm run ingest`:
--   1. the event is a JSON object (a value that is not valid JSON is rejected as such);
--   2. type is a string and one of CUSTOMER, SITE_VISIT, IMAGE, ORDER;
--   3. verb is a string and one of the type's verbs (CUSTOMER, ORDER: NEW or UPDATE; SITE_VISIT: NEW;
--      IMAGE: UPLOAD);
--   4. key and event_time are non-empty strings; so is customer_id, except for a CUSTOMER (whose key it is);
--   5. an ORDER's total_amount reads "N.NN USD" (up to 15 digits); another currency is rejected, not converted;
--   6. last_name, when present, is a string;
--   7. event_time is ISO 8601: YYYY-MM-DD, optionally T (or a space) and HH:MM[:SS[.fraction]], optionally
--      Z or an offset (+05, +0530, +05:30); without a zone it is UTC; the date and time must exist. The
--      challenge's legacy form, a colon for the T (YYYY-MM-DD:HH:MM:SS[.fraction]Z), is read as UTC too.
-- A change here must be made in src/ltv/events.ts too: test/ltv/rule-parity.test.ts and the check
-- stored_events_agree fail while the two disagree.
create or replace table int_events as
with events as (
    select * from stg_events
),

-- The challenge's own sample wrote times with a colon for the T until early 2017 (2017-01-06:12:46:46.384Z):
-- such a time is read as the same text with a T. Only with seconds and Z, so no other text gains a meaning.
iso_times as (
    select
        *,
        case
            when substr(trim(event_time), 11, 1) <> ':' then event_time
            when regexp_full_match(trim(event_time), '\d{4}-\d{2}-\d{2}:\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z')
                then left(trim(event_time), 10) || 'T' || substr(trim(event_time), 12)
            else event_time
        end as iso_event_time
    from events
),

-- Most times are written exactly as ltv-events.md shows them; those are read by a plain cast. Only the
-- others go through the full pattern.
usual_times as (
    select
        *,
        case event_type
            when 'CUSTOMER' then ['NEW', 'UPDATE']
            when 'SITE_VISIT' then ['NEW']
            when 'IMAGE' then ['UPLOAD']
            when 'ORDER' then ['NEW', 'UPDATE']
        end as allowed_verbs,
        case
            when regexp_full_match(iso_event_time, '[1-9]\d{3}-\d{2}-\d{2}T([01]\d|2[0-3]):[0-5]\d:[0-5]\d\.\d{3}Z')
                then try_cast(iso_event_time as timestamptz)
        end as usual_event_at
    from iso_times
),

time_parts as (
    select
        *,
        case when usual_event_at is null then regexp_extract(
            trim(iso_event_time),
            '^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)? ?(?:[Zz]|([+-])(\d{2})(?::?(\d{2}))?)?$',
            ['year', 'month', 'day', 'hour', 'minute', 'second', 'fraction', 'sign', 'offset_hours', 'offset_minutes']
        ) end as t
    from usual_times
),

times as (
    select
        *,
        usual_event_at is not null or coalesce(
            nullif(t.year, '')::integer >= 1000
            and nullif(t.month, '')::integer between 1 and 12
            and nullif(t.day, '')::integer between 1 and day(last_day(make_date(nullif(t.year, '')::integer, greatest(1, least(12, nullif(t.month, '')::integer)), 1)))
            and coalesce(nullif(t.hour, '')::integer, 0) <= 23
            and coalesce(nullif(t.minute, '')::integer, 0) <= 59
            and coalesce(nullif(t.second, '')::integer, 0) <= 59
            and coalesce(nullif(t.offset_hours, '')::integer, 0) <= 23
            and coalesce(nullif(t.offset_minutes, '')::integer, 0) <= 59,
            false
        ) as is_time_readable
    from time_parts
),

judged as (
    select
        *,
        case
            when event is null then 'not valid JSON'
            when event_kind <> 'an object' then 'an event must be a JSON object, not ' || event_kind
            when json_missing(event_type_kind, event_type) then 'missing type'
            when event_type_kind <> 'a string' then 'type must be a string, not ' || event_type_kind
            when allowed_verbs is null then 'unknown type ' || to_json(event_type) || ' (expected one of CUSTOMER, SITE_VISIT, IMAGE, ORDER)'
            when json_missing(verb_kind, verb) then 'missing verb'
            when verb_kind <> 'a string' then 'verb must be a string, not ' || verb_kind
            when not list_contains(allowed_verbs, verb)
                then 'unknown verb ' || to_json(verb) || ' for type ' || event_type || ' (expected ' || array_to_string(allowed_verbs, ' or ') || ')'
            when json_missing(event_key_kind, event_key) then 'missing key'
            when event_key_kind <> 'a string' then 'key must be a string, not ' || event_key_kind
            when json_missing(event_time_kind, event_time) then 'missing event_time'
            when event_time_kind <> 'a string' then 'event_time must be a string, not ' || event_time_kind
            when event_type <> 'CUSTOMER' and json_missing(customer_id_kind, customer_id) then 'missing customer_id'
            when event_type <> 'CUSTOMER' and customer_id_kind <> 'a string' then 'customer_id must be a string, not ' || customer_id_kind
            when event_type = 'ORDER' and json_missing(total_amount_kind, total_amount) then 'missing total_amount'
            when event_type = 'ORDER' and total_amount_kind <> 'a string' then 'total_amount must be a string like "12.34 USD", not ' || total_amount_kind
            when event_type = 'ORDER' and not regexp_full_match(total_amount, '\d{1,15}\.\d{2} USD') then
                case
                    when regexp_full_match(total_amount, '-?\d+(?:\.\d+)? [A-Za-z]{3}') and upper(right(total_amount, 3)) <> 'USD'
                        then 'total_amount ' || to_json(total_amount) || ' is not in USD (amounts are not converted)'
                    else 'total_amount ' || to_json(total_amount) || ' is not an amount like "12.34 USD"'
                end
            when last_name_kind is not null and last_name_kind not in ('null', 'a string') then 'last_name must be a string, not ' || last_name_kind
            when not is_time_readable then 'unreadable event_time ' || to_json(event_time) || ' (expected ISO 8601 such as 2017-01-06T12:46:46.384Z)'
        end as rejection_reason
    from times
),

final as (
    select
        event_index,
        source_file,
        batch,
        event_id,
        received_at,
        stored_event_at,
        rejection_reason::varchar as rejection_reason,
        case when rejection_reason is null then event_type end::varchar as event_type,
        case when rejection_reason is null then verb end::varchar as verb,
        case when rejection_reason is null then event_key end::varchar as event_key,
        case when rejection_reason is null then coalesce(usual_event_at,
            timezone('UTC', epoch_ms(
                epoch_ms(make_timestamp(nullif(t.year, '')::bigint, nullif(t.month, '')::bigint, nullif(t.day, '')::bigint,
                    coalesce(nullif(t.hour, '')::bigint, 0), coalesce(nullif(t.minute, '')::bigint, 0), coalesce(nullif(t.second, '')::double, 0)))
                + coalesce(rpad(left(nullif(t.fraction, ''), 3), 3, '0')::bigint, 0)
                - (case t.sign when '-' then -1 else 1 end) * (coalesce(nullif(t.offset_hours, '')::bigint, 0) * 60 + coalesce(nullif(t.offset_minutes, '')::bigint, 0)) * 60000
            )))
        end::timestamptz as event_at,
        case when rejection_reason is null and event_type <> 'CUSTOMER' then customer_id end::varchar as customer_id,
        case when rejection_reason is null and event_type = 'CUSTOMER' then last_name end::varchar as last_name,
        case when rejection_reason is null and event_type = 'ORDER' then split_part(total_amount, ' ', 1) end::decimal(18, 2) as order_amount
    from judged
)

select * from final
