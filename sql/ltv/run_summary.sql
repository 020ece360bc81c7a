-- The lifetime value feature's figures in the run summary and pipeline_runs (one row): the event store
-- read (events_path, set by the runner), the events read (int_events), the keys at their latest version
-- (latest_events) and the customers in customer_ltv.
select
    getvariable('events_path')::varchar              as events_path,
    (select count(*) from int_events)::bigint        as events_read,
    (select count(*) from latest_events)::bigint     as latest_events,
    (select count(*) from customer_ltv)::bigint      as customers
