-- stg_events: one row per event as it arrived (from the event store, or from one event file for
-- `npm run ltv -- top X --events FILE`), its fields pulled out of the JSON. No business rules.
-- Reads raw_events, the view the pipeline runner creates over the store's files or the given file.
-- event_index is the event's position in a given file (null for the store); a value that was not
-- valid JSON arrives as a null event. Each field the rules read comes with its text (a number or an
-- object as its JSON text) and the kind of JSON value it was (json_kind: 'a string', 'a number', ...,
-- null when the field is absent). stored_event_at is the time ingest read, for events from the store.
create or replace view stg_events as
with source as (
    select * from raw_events
),

fields as (
    select
        *,
        json_transform(event, '{"type": "JSON", "verb": "JSON", "key": "JSON", "event_time": "JSON",
            "customer_id": "JSON", "total_amount": "JSON", "last_name": "JSON"}') as field,
        json_transform(event, '{"type": "VARCHAR", "verb": "VARCHAR", "key": "VARCHAR", "event_time": "VARCHAR",
            "customer_id": "VARCHAR", "total_amount": "VARCHAR", "last_name": "VARCHAR"}') as text
    from source
),

final as (
    select
        event_index::bigint             as event_index,
        source_file::varchar            as source_file,
        batch::varchar                  as batch,
        event_id::varchar               as event_id,
        received_at::timestamptz        as received_at,
        stored_event_at::timestamptz    as stored_event_at,
        event::json                     as event,
        json_kind(event)::varchar                   as event_kind,
        text.type::varchar                 as event_type,
        json_kind(field.type)::varchar              as event_type_kind,
        text.verb::varchar                 as verb,
        json_kind(field.verb)::varchar              as verb_kind,
        text.key::varchar                  as event_key,
        json_kind(field.key)::varchar               as event_key_kind,
        text.event_time::varchar           as event_time,
        json_kind(field.event_time)::varchar        as event_time_kind,
        text.customer_id::varchar          as customer_id,
        json_kind(field.customer_id)::varchar       as customer_id_kind,
        text.total_amount::varchar         as total_amount,
        json_kind(field.total_amount)::varchar      as total_amount_kind,
        text.last_name::varchar            as last_name,
        json_kind(field.last_name)::varchar         as last_name_kind
    from fields
)

select * from final
