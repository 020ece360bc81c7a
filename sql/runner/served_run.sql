-- The run that built this warehouse: the latest run in pipeline_runs that succeeded, as the summary the
-- refresh answered (one JSON object), with its times in ISO 8601. Read by the runner when it loads what
-- the server serves from a warehouse.
select
    to_json(runs)::varchar                                     as summary,
    strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ')              as started_at,
    strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%gZ')             as finished_at
from pipeline_runs as runs
where status = 'succeeded'
order by finished_at desc
limit 1
