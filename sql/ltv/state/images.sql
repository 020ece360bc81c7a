-- Each customer's distinct compacted images (customer, image key and time). Reads compacted_events.
select customer_id, count(distinct (key, event_at))::integer as images
from compacted_events
where type = 'IMAGE'
group by customer_id
