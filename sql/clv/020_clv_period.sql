-- clv_period: one row, the dates the customer value model is computed for. Reads latest_events and the variables
-- clv_calibration_end and clv_holdout_end (set by src/clv/pipeline.ts: null in a refresh; `npm run ltv -- model
-- --calibration-end D --holdout-end D` sets them).
-- Rules (README: Customer value):
--   * as_of_date: the UTC day of the data set's latest event (any type, any version: latest_events' last_event_at,
--     as customer_ltv's timeframe), never the clock; null without events;
--   * calibration_end_date: the last day whose purchases are fitted, where each customer's T ends: the as-of date
--     unless a calibration end is given;
--   * holdout_end_date: the end of the holdout period (calibration end, holdout end], when one is given.
create or replace table clv_period as
with latest as (
    select max(last_event_at) as last_event_at from latest_events
),

final as (
    select
        (last_event_at at time zone 'UTC')::date                                   as as_of_date,
        coalesce(getvariable('clv_calibration_end')::date,
            (last_event_at at time zone 'UTC')::date)::date                        as calibration_end_date,
        getvariable('clv_holdout_end')::date                                       as holdout_end_date
    from latest
)

select * from final
