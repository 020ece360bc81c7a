-- latest_events: one row per event type and key (a customer, an order, a site visit, an image),
-- holding its latest version. Reads stg_events.
-- Rules:
--   * the version with the latest event_at wins, whatever the order in which versions arrived
--     (an UPDATE may arrive before its NEW, or be older than it and lose);
--   * versions with the same event_at: an UPDATE beats a NEW, then the larger amount, then the
--     greater customer_id and last_name, so the answer never depends on arrival order;
--   * first_event_at and last_event_at span every version of the key, superseded ones included:
--     the timeframe of the data set (customer_ltv) is taken from them.
create or replace table latest_events as
with events as (
    select * from stg_events
),

ranked as (
    select
        *,
        min(event_at) over versions as first_event_at,
        max(event_at) over versions as last_event_at,
        count(*) over versions      as versions,
        row_number() over (
            versions
            order by event_at desc, (verb = 'UPDATE') desc, order_amount desc nulls last,
                     customer_id desc nulls last, last_name desc nulls last
        ) as version_rank
    from events
    window versions as (partition by event_type, event_key)
),

final as (
    select
        event_type::varchar         as event_type,
        event_key::varchar          as event_key,
        verb::varchar               as verb,
        event_at::timestamptz       as event_at,
        case when event_type = 'CUSTOMER' then event_key else customer_id end::varchar as customer_id,
        last_name::varchar          as last_name,
        order_amount::decimal(18, 2) as order_amount,
        first_event_at::timestamptz as first_event_at,
        last_event_at::timestamptz  as last_event_at,
        versions::integer           as versions
    from ranked
    where version_rank = 1
)

select * from final
