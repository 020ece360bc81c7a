-- The compacted events' timeframe, in UTC milliseconds (null when there is none). Reads compacted_events.
select
    epoch_ms(min(event_at))::double as first_ms,
    epoch_ms(max(event_at))::double as last_ms
from compacted_events
