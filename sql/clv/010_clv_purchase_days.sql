-- clv_purchase_days: one row per customer and UTC calendar day with at least one order: the purchases the customer
-- value model (BG/NBD and Gamma-Gamma) counts. Reads latest_events (sql/ltv).
-- Rules (README: Customer value):
--   * an order counts by its latest version (latest_events' rule: the latest event_at wins, whatever the arrival
--     order), for that version's customer, on the UTC calendar day of that version's event_at;
--   * several orders on one day are one purchase: orders counts them, amount sums their amounts (USD);
--   * an order of 0.00 USD still makes its day a purchase day.
-- The store worker keeps the same days order by order (src/clv/purchase-days.ts); test/clv/incremental-summary.test.ts
-- holds the two to the same summaries.
create or replace table clv_purchase_days as
with latest as (
    select * from latest_events
),

orders as (
    select customer_id, (event_at at time zone 'UTC')::date as purchase_date, order_amount
    from latest
    where event_type = 'ORDER'
),

days as (
    select customer_id, purchase_date, count(*) as orders, sum(order_amount::decimal(38, 2)) as amount
    from orders
    group by customer_id, purchase_date
),

final as (
    select
        customer_id::varchar            as customer_id,
        purchase_date::date             as purchase_date,
        orders::integer                 as orders,
        amount::decimal(38, 2)          as amount
    from days
    order by customer_id, purchase_date
)

select * from final
