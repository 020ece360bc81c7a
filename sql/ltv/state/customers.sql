-- The latest version of each compacted CUSTOMER, chosen as latest_events chooses it (the latest event_at,
-- then UPDATE over NEW, then the greater last_name). Reads compacted_events.
select
    key                                 as customer_id,
    epoch_ms(latest.event_at)::double   as at_ms,
    latest.is_update                    as is_update,
    latest.last_name                    as last_name
from (
    select
        key,
        max({'event_at': event_at, 'is_update': verb = 'UPDATE', 'order_amount': null::bigint, 'customer_id': null::varchar, 'last_name': last_name}) as latest
    from compacted_events
    where type = 'CUSTOMER'
    group by key
)
