-- pipeline_runs: one row per refresh that produced this warehouse or one of its predecessors
-- (history is carried over from the file each refresh replaces). Written by the pipeline runner,
-- not a step of its own. A refresh that fails leaves the previous warehouse, and so this table,
-- as it was; its reason is returned to the caller and logged.
-- events_read, latest_events and customers count the rows of int_events, latest_events and customer_ltv
-- (null in runs made before the lifetime value existed). sql_checksum is the sha256 of every SQL file the run executed, so a change to a rule shows here.
create table if not exists pipeline_runs (
    run_id             varchar primary key,
    started_at         timestamptz not null,
    finished_at        timestamptz not null,
    status             varchar not null,
    input_path         varchar not null,
    input_bytes        bigint not null,
    rows_read          bigint not null,
    rows_kept          bigint not null,
    rows_rejected      bigint not null,
    rejected_by_rule   map(varchar, bigint) not null,
    excluded_by_rule   map(varchar, bigint) not null,
    sql_checksum       varchar not null,
    events_path        varchar,
    events_read        bigint,
    latest_events      bigint,
    customers          bigint
)
