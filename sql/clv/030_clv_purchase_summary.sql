-- clv_purchase_summary: one row per customer with a purchase day on or before the calibration end: the summary the
-- BG/NBD and Gamma-Gamma models are fitted to (src/clv/pipeline.ts, which writes clv_model and customer_clv from
-- it). Reads clv_purchase_days, clv_period, and latest_events for last names.
-- Rules (README: Customer value; the conventions of the published CDNOW analyses, data/cdnow/README.md):
--   * only purchase days up to the calibration end count (the as-of date unless given);
--   * frequency: repeat purchases, the purchase days after the first;
--   * recency_days: from the first purchase day to the last one; t_days: from the first purchase day to the
--     calibration end; recency_weeks and t_weeks are the same in weeks (days / 7), the models' time unit;
--   * repeat_revenue: the amounts of the purchase days after the first; monetary_value: their mean per repeat
--     purchase day in USD, as a double (repeat cents / frequency / 100, as the store worker computes it), null
--     without repeat purchases;
--   * holdout_purchase_days: purchase days in (calibration end, holdout end]; null without a holdout end.
create or replace table clv_purchase_summary as
with days as (
    select * from clv_purchase_days
),

period as (
    select * from clv_period
),

names as (
    select customer_id, last_name from latest_events where event_type = 'CUSTOMER'
),

calibration as (
    select
        days.customer_id,
        min(days.purchase_date)                                     as first_purchase_date,
        max(days.purchase_date)                                     as last_purchase_date,
        count(*)                                                    as purchase_days,
        (sum(days.amount) * 100)::hugeint                           as revenue_cents,
        (arg_min(days.amount, days.purchase_date) * 100)::hugeint   as first_day_cents
    from days
    cross join period
    where days.purchase_date <= period.calibration_end_date
    group by days.customer_id
),

holdout as (
    select days.customer_id, count(*) as holdout_purchase_days
    from days
    cross join period
    where days.purchase_date > period.calibration_end_date and days.purchase_date <= period.holdout_end_date
    group by days.customer_id
),

measured as (
    select
        calibration.customer_id,
        names.last_name,
        calibration.first_purchase_date,
        calibration.last_purchase_date,
        calibration.purchase_days,
        calibration.purchase_days - 1                                           as frequency,
        calibration.last_purchase_date - calibration.first_purchase_date        as recency_days,
        period.calibration_end_date - calibration.first_purchase_date           as t_days,
        calibration.revenue_cents - calibration.first_day_cents                 as repeat_cents,
        case when period.holdout_end_date is not null
            then coalesce(holdout.holdout_purchase_days, 0) end                 as holdout_purchase_days,
        period.as_of_date,
        period.calibration_end_date
    from calibration
    cross join period
    left join holdout on holdout.customer_id = calibration.customer_id
    left join names on names.customer_id = calibration.customer_id
),

final as (
    select
        customer_id::varchar                                                    as customer_id,
        last_name::varchar                                                      as last_name,
        first_purchase_date::date                                               as first_purchase_date,
        last_purchase_date::date                                                as last_purchase_date,
        purchase_days::integer                                                  as purchase_days,
        frequency::integer                                                      as frequency,
        recency_days::integer                                                   as recency_days,
        t_days::integer                                                         as t_days,
        (recency_days::double / 7)::double                                      as recency_weeks,
        (t_days::double / 7)::double                                            as t_weeks,
        (repeat_cents * 0.01)::decimal(38, 2)                                   as repeat_revenue,
        case when frequency > 0 then repeat_cents::double / frequency / 100 end::double as monetary_value,
        holdout_purchase_days::integer                                          as holdout_purchase_days,
        as_of_date::date                                                        as as_of_date,
        calibration_end_date::date                                              as calibration_end_date
    from measured
    order by customer_id
)

select * from final
