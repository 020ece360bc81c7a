-- customer_ltv: one row per customer named by any event (a CUSTOMER event, or the customer_id of an
-- order, site visit or image). Reads latest_events.
-- Rules (docs: ltv-events.md):
--   * weeks: the Monday-to-Sunday UTC calendar weeks touched by the data set's timeframe, from its
--     earliest to its latest event (any type, any version; never the clock). A partial week at
--     either end counts whole. Weeks are counted from the epoch (1970-01-01 was a Thursday, so
--     day d is in week floor((d + 3) / 7)), so no time zone setting can move them;
--   * revenue: the sum of the latest amount of each of the customer's orders;
--   * visits: the customer's site visits, each counted once (a SITE_VISIT is a fact: its key is the page,
--     which many visits share; a resent visit is one row of latest_events);
--   * revenue_per_visit = revenue / visits (null without visits); visits_per_week = visits / weeks;
--   * weekly_value (the formula's a) = revenue / weeks; ltv = 52 * a * 10 (a 10-year lifespan).
-- Money is computed in whole cents (128-bit, so no amount ingest accepts can overflow) and rounded
-- half up to the cent, never through floating point.
create or replace table customer_ltv as
with latest as (
    select * from latest_events
),

timeframe as (
    select
        min(first_event_at) as first_event_at,
        max(last_event_at)  as last_event_at,
        floor((floor(epoch_us(max(last_event_at)) / 86400e6) + 3) / 7)
            - floor((floor(epoch_us(min(first_event_at)) / 86400e6) + 3) / 7) + 1 as weeks
    from latest
),

customers as (
    select customer_id, any_value(last_name) filter (where event_type = 'CUSTOMER') as last_name
    from latest
    where customer_id is not null
    group by customer_id
),

orders as (
    select customer_id, count(*) as orders, (sum(order_amount::decimal(38, 2)) * 100)::hugeint as revenue_cents
    from latest
    where event_type = 'ORDER'
    group by customer_id
),

visits as (
    select customer_id, count(*) as visits
    from latest
    where event_type = 'SITE_VISIT'
    group by customer_id
),

measured as (
    select
        customers.customer_id,
        customers.last_name,
        coalesce(orders.orders, 0)        as orders,
        coalesce(orders.revenue_cents, 0) as revenue_cents,
        coalesce(visits.visits, 0)        as visits,
        timeframe.weeks::bigint           as weeks,
        timeframe.first_event_at,
        timeframe.last_event_at
    from customers
    cross join timeframe
    left join orders on orders.customer_id = customers.customer_id
    left join visits on visits.customer_id = customers.customer_id
),

final as (
    select
        customer_id::varchar                                                           as customer_id,
        last_name::varchar                                                             as last_name,
        (revenue_cents * 0.01)::decimal(38, 2)                                         as revenue,
        orders::integer                                                                as orders,
        visits::integer                                                                as visits,
        case when visits > 0 then ((revenue_cents * 2 + visits) // (2 * visits)) * 0.01 end::decimal(38, 2) as revenue_per_visit,
        (visits / weeks)::double                                                       as visits_per_week,
        (((revenue_cents * 2 + weeks) // (2 * weeks)) * 0.01)::decimal(38, 2)          as weekly_value,
        (((revenue_cents * 1040 + weeks) // (2 * weeks)) * 0.01)::decimal(38, 2)       as ltv,
        weeks::integer                                                                 as weeks,
        first_event_at::timestamptz                                                    as timeframe_start_at,
        last_event_at::timestamptz                                                     as timeframe_end_at
    from measured
    order by ltv desc, customer_id
)

select * from final
