-- The latest version of each compacted ORDER (the latest event_at, then UPDATE over NEW, then the larger
-- amount, then the greater customer_id), and the customers its NEW versions name, as columns of JSON
-- arrays in chunks (amounts as text: cents can exceed what a double holds). Reads compacted_events.
with versions as (
    select
        key,
        max({'event_at': event_at, 'is_update': verb = 'UPDATE', 'order_amount': amount_cents, 'customer_id': customer_id, 'last_name': null::varchar}) as latest,
        list(distinct customer_id) filter (where verb = 'NEW') as new_customers
    from compacted_events
    where type = 'ORDER'
    group by key
)

select to_json({
    'keys': list(key),
    'at_ms': list(epoch_ms(latest.event_at)::double),
    'is_update': list(latest.is_update),
    'amounts': list(latest.order_amount::varchar),
    'customers': list(latest.customer_id),
    'new_customers': list(coalesce(new_customers, []))
})::varchar as chunk
from versions
group by hash(key) % 64
