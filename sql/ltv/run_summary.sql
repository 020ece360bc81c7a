-- The lifetime value feature's figures in the run summary and pipeline_runs (one row): the event store
-- read (events_path, set by the runner), the events read (int_events), the customers, orders, visits and
-- images counted (latest_events), the customers in customer_ltv, and the order ids that NEW orders of
-- different customers share (order_conflicts: the data's problem, reported, never a failed run).
select
    getvariable('events_path')::varchar              as events_path,
    (select count(*) from int_events)::bigint        as events_read,
    (select count(*) from latest_events)::bigint     as latest_events,
    (select count(*) from customer_ltv)::bigint      as customers,
    (select count(*) from order_conflicts)::bigint   as order_conflicts
