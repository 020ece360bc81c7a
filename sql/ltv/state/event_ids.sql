-- The fingerprint of every compacted event id (md5's first 12 bytes, in hex), in chunks: how the
-- incremental state learns which events the compacted store holds. Reads compacted_events.
select string_agg(md5(event_id)[1:24], '') as fingerprints
from compacted_events
group by hash(event_id) % 64
