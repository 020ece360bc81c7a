-- stg_events: one row per stored event (ingest has already checked and deduplicated them), typed and
-- renamed. No business rules. Reads raw_events, the view the pipeline runner creates over the
-- event store's files (EVENTS_PATH/*.ndjson); only the fields the LTV reads are typed here, the
-- whole event stays in the store for other analytics.
-- event_at is the event's time in UTC, as ingest read it from event_time; order_amount is the
-- number in an ORDER's "12.34 USD" (ingest accepts USD only, so there is nothing to convert).
create or replace view stg_events as
with source as (
    select * from raw_events
),

final as (
    select
        event_id::varchar                                               as event_id,
        received_at::timestamptz                                        as received_at,
        event_at::timestamptz                                           as event_at,
        event.type::varchar                                             as event_type,
        event.verb::varchar                                             as verb,
        event.key::varchar                                              as event_key,
        event.customer_id::varchar                                      as customer_id,
        event.last_name::varchar                                        as last_name,
        try_cast(split_part(event.total_amount, ' ', 1) as decimal(18, 2)) as order_amount,
        filename::varchar                                               as source_file
    from source
)

select * from final
