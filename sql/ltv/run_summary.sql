-- The lifetime value feature's figures in the run summary and pipeline_runs (one row): the customers,
-- orders, visits and images counted (latest_events), the customers in customer_ltv, and the order ids that NEW orders of
-- different customers share (order_conflicts: the data's problem, reported, never a failed run).
select
    (select count(*) from latest_events)::bigint     as latest_events,
    (select count(*) from customer_ltv)::bigint      as customers,
    (select count(*) from order_conflicts)::bigint   as order_conflicts
