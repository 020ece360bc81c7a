-- rejected_events: one row per event that broke a rule of int_events, with the reason. The event
-- itself is in its source: the value at event_index of a given file, or the store line with event_id.
-- Reads int_events. Events from the store were checked by ingest and appear here only if the SQL and
-- ingest disagree (see the check stored_events_agree).
create or replace view rejected_events as
with events as (
    select * from int_events
),

final as (
    select
        event_index::bigint         as event_index,
        source_file::varchar        as source_file,
        event_id::varchar           as event_id,
        rejection_reason::varchar   as rejection_reason
    from events
    where rejection_reason is not null
)

select * from final
