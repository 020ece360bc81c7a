-- latest_events: one row per thing the events describe, holding what counts of it. Reads the accepted
-- events (accepted_events, sql/events).
-- Rules (docs: ltv-events.md):
--   * CUSTOMER and ORDER events are versions of an entity, identified by type and key: the version with
--     the latest event_at wins, whatever the order in which versions arrived (an UPDATE may arrive before
--     its NEW, or be older than it and lose). Versions with the same event_at: an UPDATE beats a NEW, then
--     the larger amount, then the greater customer_id and last_name, so the answer never depends on
--     arrival order;
--   * SITE_VISIT and IMAGE events are facts, never versions: each is identified by its type, customer, key
--     and event_at, so a page (or image) key used by many visits keeps them all, and only a resend of the
--     same visit (whatever its field order or other fields) is one row;
--   * versions counts the events merged into the row (for a fact, its resent copies); first_event_at and
--     last_event_at span them, superseded versions included: the timeframe of the data set (customer_ltv)
--     is taken from them.
create or replace table latest_events as
with events as (
    select * from accepted_events
),

-- Versions of an entity: the latest wins (the struct orders them: event_at, then UPDATE, then amount,
-- customer_id and last_name).
entities as (
    select
        event_type,
        event_key,
        arg_max(
            {'verb': verb, 'event_at': event_at, 'customer_id': customer_id, 'last_name': last_name, 'order_amount': order_amount},
            {'event_at': event_at, 'is_update': verb = 'UPDATE', 'order_amount': order_amount, 'customer_id': customer_id, 'last_name': last_name}
        ) as latest,
        min(event_at) as first_event_at,
        max(event_at) as last_event_at,
        count(*) as versions
    from events
    where event_type in ('CUSTOMER', 'ORDER')
    group by event_type, event_key
),

-- Facts: one row per type, customer, key and time; its copies (resends) counted. Grouped apart from the
-- entities, without their struct ordering: facts are most of the events.
facts as (
    select
        event_type,
        event_key,
        {'verb': any_value(verb), 'event_at': event_at, 'customer_id': customer_id, 'last_name': null::varchar, 'order_amount': null::decimal(18, 2)} as latest,
        event_at as first_event_at,
        event_at as last_event_at,
        count(*) as versions
    from events
    where event_type in ('SITE_VISIT', 'IMAGE')
    group by event_type, event_key, customer_id, event_at
),

versions as (
    select * from entities
    union all
    select * from facts
),

final as (
    select
        event_type::varchar             as event_type,
        event_key::varchar              as event_key,
        latest.verb::varchar            as verb,
        latest.event_at::timestamptz    as event_at,
        case when event_type = 'CUSTOMER' then event_key else latest.customer_id end::varchar as customer_id,
        latest.last_name::varchar       as last_name,
        latest.order_amount::decimal(18, 2) as order_amount,
        first_event_at::timestamptz     as first_event_at,
        last_event_at::timestamptz      as last_event_at,
        versions::integer               as versions
    from versions
)

select * from final
