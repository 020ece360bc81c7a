-- latest_events: one row per event type and key (a customer, an order, a site visit, an image),
-- holding its latest version. Reads the accepted events of int_events.
-- Rules:
--   * the version with the latest event_at wins, whatever the order in which versions arrived
--     (an UPDATE may arrive before its NEW, or be older than it and lose);
--   * versions with the same event_at: an UPDATE beats a NEW, then the larger amount, then the
--     greater customer_id and last_name, so the answer never depends on arrival order;
--   * first_event_at and last_event_at span every version of the key, superseded ones included:
--     the timeframe of the data set (customer_ltv) is taken from them.
create or replace table latest_events as
with events as (
    select * from int_events where rejection_reason is null
),

versions as (
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
    group by event_type, event_key
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
