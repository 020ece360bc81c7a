-- Check: every stored event has what the LTV reads: a type, a key and a time, an order its amount in
-- USD cents, a visit or an order its customer. Ingest guarantees this; a store file edited by hand
-- may not. Returns the offending events.
select source_file, event_id, event_type, event_key, event_at
from stg_events
where event_type is null
   or event_key is null
   or event_at is null
   or (event_type = 'ORDER' and order_amount is null)
   or (event_type in ('ORDER', 'SITE_VISIT', 'IMAGE') and customer_id is null)
