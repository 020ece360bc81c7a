-- accepted_events: one row per accepted event, typed: the events int_events accepts (from event files, or
-- from the store's batch files not compacted yet) and the compacted store's events (compacted_events, the
-- parquet the runner attaches; judged by the same rules when they were compacted). What the lifetime value
-- reads. Reads int_events and compacted_events.
create or replace view accepted_events as
with judged as (
    select * from int_events where rejection_reason is null
),

compacted as (
    select * from compacted_events
),

final as (
    select
        event_id::varchar                   as event_id,
        received_at::timestamptz            as received_at,
        event_at::timestamptz               as event_at,
        event_type::varchar                 as event_type,
        verb::varchar                       as verb,
        event_key::varchar                  as event_key,
        customer_id::varchar                as customer_id,
        last_name::varchar                  as last_name,
        order_amount::decimal(18, 2)        as order_amount,
        source_file::varchar                as source_file
    from judged
    union all
    select
        event_id::varchar,
        received_at::timestamptz,
        event_at::timestamptz,
        type::varchar,
        verb::varchar,
        key::varchar,
        customer_id::varchar,
        last_name::varchar,
        (amount_cents::decimal(18, 0) * 0.01)::decimal(18, 2),
        source_file::varchar
    from compacted
)

select * from final
