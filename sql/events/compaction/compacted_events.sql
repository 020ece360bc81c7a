-- compacted events: one row per event of the batch files being compacted, typed as int_events reads it out
-- of the JSON (the SQL rules judge every stored event once more here: stored_events_agree must pass), beside
-- the event's JSON as it was stored, the batch file it came from, and its month (the Hive partition,
-- event_month=YYYY-MM). Sorted by type, customer and time, which groups what compresses together.
-- Reads int_events and raw_events. The compactor writes it as parquet (src/ltv/store/compaction.ts).
with judged as (
    select * from int_events where rejection_reason is null
),

stored as (
    select event_id, event from raw_events
),

final as (
    select
        judged.event_id::varchar                  as event_id,
        judged.received_at::timestamptz           as received_at,
        judged.event_at::timestamptz              as event_at,
        judged.event_type::varchar                as type,
        judged.verb::varchar                      as verb,
        judged.event_key::varchar                 as key,
        judged.customer_id::varchar               as customer_id,
        (judged.order_amount::decimal(38, 2) * 100)::bigint as amount_cents,
        judged.last_name::varchar                 as last_name,
        stored.event::varchar                     as event,
        judged.batch::varchar                     as batch,
        strftime(judged.event_at, '%Y-%m')        as event_month
    from judged
    join stored using (event_id)
)

select * from final
order by type, customer_id, event_at
