-- Check: every event in the store (it has an event_id) passes the rules of int_events and has the
-- time ingest read for it. Ingest (src/ltv/events.ts) and int_events state the same rules; a row
-- here means they drifted apart, or a store file was edited by hand.
select source_file, event_id, rejection_reason, stored_event_at, event_at
from int_events
where event_id is not null
  and (rejection_reason is not null or event_at is distinct from stored_event_at)
