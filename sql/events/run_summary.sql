-- The events' figures in the run summary and pipeline_runs (one row): the event store read (events_path,
-- set by the runner), and its events: every one read (accepted_events, and the events int_events rejected:
-- from the store, only where the SQL and ingest disagree) and how many of them are compacted into parquet.
select
    getvariable('events_path')::varchar                                                   as events_path,
    ((select count(*) from accepted_events)
        + (select count(*) from int_events where rejection_reason is not null))::bigint  as events_read,
    (select count(*) from compacted_events)::bigint                                       as events_compacted
