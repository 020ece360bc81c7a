-- order_conflicts: one row per order id whose NEW events name two or more customers (public event files
-- reuse one order id for the NEW orders of several customers). Reads accepted_events and latest_events.
-- Rules (docs: ltv-events.md):
--   * a conflict is the data's problem, shown here and counted in the run summary, never a failed refresh;
--   * the order still counts once, for the customer of its latest version (latest_events' rule: latest
--     event_at, then UPDATE beats NEW, then the larger amount, then the greater customer_id and last_name):
--     counted_customer_id and counted_amount say which;
--   * new_orders lists every distinct NEW of the id (customer, time, amount), by customer, time and amount.
-- src/ltv/order-conflicts.ts finds the same conflicts among events in memory (test/ltv/rule-parity.test.ts).
create or replace view order_conflicts as
with new_orders as (
    select distinct event_key, customer_id, event_at, order_amount
    from accepted_events
    where event_type = 'ORDER' and verb = 'NEW'
),

latest_orders as (
    select event_key, customer_id, order_amount
    from latest_events
    where event_type = 'ORDER'
),

-- The order ids first (a plain count, which spills to disk at any size), then the lists of their few NEW
-- orders: a list per order id for every order would hold every order in memory at once.
conflicting_keys as (
    select event_key, count(distinct customer_id) as customers
    from new_orders
    group by event_key
    having count(distinct customer_id) > 1
),

conflicting as (
    select
        new_orders.event_key,
        any_value(conflicting_keys.customers) as customers,
        list({'customer_id': new_orders.customer_id, 'event_at': new_orders.event_at, 'amount': new_orders.order_amount}
            order by new_orders.customer_id, new_orders.event_at, new_orders.order_amount) as new_orders
    from new_orders
    join conflicting_keys on conflicting_keys.event_key = new_orders.event_key
    group by new_orders.event_key
),

final as (
    select
        conflicting.event_key::varchar              as order_id,
        conflicting.customers::integer              as customers,
        conflicting.new_orders                      as new_orders,
        latest_orders.customer_id::varchar          as counted_customer_id,
        latest_orders.order_amount::decimal(18, 2)  as counted_amount
    from conflicting
    join latest_orders on latest_orders.event_key = conflicting.event_key
    order by order_id
)

select * from final
