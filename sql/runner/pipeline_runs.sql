-- pipeline_runs: one row per refresh of this warehouse, oldest first, failed ones included: the run log
-- (<DB_PATH>.runs.ndjson, one JSON line per refresh, appended beside the warehouse and never rewritten)
-- as a table, with the run being built as its last row. Written by the pipeline runner.
-- The runner's columns: run_id, status ('succeeded' or 'failed'), started_at, finished_at, duration_ms,
-- sql_checksum (sha256 of every SQL file the run executed, so a change to a rule shows here), inputs
-- (what each feature read) and, for a failed run, error_code and error_message (as the refresh answered).
-- Then each feature's figures, the columns of its run_summary.sql (null where a run did not record one).
-- Variables set by the runner: run_log_files (the log and the current run's line), run_log_columns (types).
create or replace table pipeline_runs as
with logged as (
    select *
    from read_json(getvariable('run_log_files'), format = 'newline_delimited',
        columns = getvariable('run_log_columns'), ignore_errors = true)
),

final as (
    select distinct on (run_id) *
    from logged
    where run_id is not null
)

select * from final
order by started_at
