// The customer value model's two warehouse tables, written by the pipeline's compute step from the fit:
//   clv_model     one row: the dates, whether the models were fitted (status, reason_code, reason), each model's
//                 parameters, log-likelihood and convergence, the customers they were fitted to, the holdout check;
//   customer_clv  one row per customer of clv_purchase_summary: its summary and its modelled values (null when the
//                 models are not fitted), highest expected value first.
// Loads DuckDB: runs in the pipeline worker or the CLI, never the server.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../warehouse/database.js';
import type { ClvFit, CustomerValue, PurchaseSummary } from './model.js';

export interface ClvPeriod {
  as_of_date: string | null;
  calibration_end_date: string | null;
  holdout_end_date: string | null;
  /** Days from the calibration end to the holdout end. */
  holdout_days: number | null;
}

export interface Holdout {
  weeks: number;
  actual: number;
  /** Null when the BG/NBD model is not fitted. */
  predicted: number | null;
}

/** clv_model's row as read back (dates as YYYY-MM-DD). */
export interface ClvModelRow {
  run_id: string;
  as_of_date: string | null;
  calibration_end_date: string | null;
  horizon_weeks: number;
  status: 'fitted' | 'not_fitted';
  reason_code: string | null;
  reason: string | null;
  customers: number;
  repeat_customers: number;
  bgnbd_r: number | null;
  bgnbd_alpha: number | null;
  bgnbd_a: number | null;
  bgnbd_b: number | null;
  bgnbd_log_likelihood: number | null;
  bgnbd_converged: boolean | null;
  bgnbd_iterations: number | null;
  gamma_gamma_p: number | null;
  gamma_gamma_q: number | null;
  gamma_gamma_v: number | null;
  gamma_gamma_log_likelihood: number | null;
  gamma_gamma_converged: boolean | null;
  gamma_gamma_iterations: number | null;
  gamma_gamma_customers: number;
  holdout_end_date: string | null;
  holdout_weeks: number | null;
  holdout_actual_repeat_purchases: number | null;
  holdout_predicted_repeat_purchases: number | null;
  fit_ms: number;
}

/** customer_clv's columns as read back: the summary's and the values. */
export interface CustomerClvRow {
  customer_id: string;
  last_name: string | null;
  frequency: number;
  recency_weeks: number;
  t_weeks: number;
  monetary_value: number | null;
  p_alive: number | null;
  expected_purchases: number | null;
  expected_spend: number | null;
  expected_value: number | null;
}

/** Writes clv_model (one row) from the fit. */
export async function writeClvModel(
  connection: DuckDBConnection,
  model: { runId: string; period: ClvPeriod; horizonWeeks: number; fit: ClvFit; holdout: Holdout | null },
): Promise<void> {
  const { fit, period, holdout } = model;
  await connection.run(
    `create or replace table clv_model as
     select
         $run_id::varchar                                   as run_id,
         $as_of_date::date                                  as as_of_date,
         $calibration_end_date::date                        as calibration_end_date,
         $horizon_weeks::integer                            as horizon_weeks,
         $status::varchar                                   as status,
         $reason_code::varchar                              as reason_code,
         $reason::varchar                                   as reason,
         $customers::integer                                as customers,
         $repeat_customers::integer                         as repeat_customers,
         $bgnbd_r::double                                   as bgnbd_r,
         $bgnbd_alpha::double                               as bgnbd_alpha,
         $bgnbd_a::double                                   as bgnbd_a,
         $bgnbd_b::double                                   as bgnbd_b,
         $bgnbd_log_likelihood::double                      as bgnbd_log_likelihood,
         $bgnbd_converged::boolean                          as bgnbd_converged,
         $bgnbd_iterations::integer                         as bgnbd_iterations,
         $gamma_gamma_p::double                             as gamma_gamma_p,
         $gamma_gamma_q::double                             as gamma_gamma_q,
         $gamma_gamma_v::double                             as gamma_gamma_v,
         $gamma_gamma_log_likelihood::double                as gamma_gamma_log_likelihood,
         $gamma_gamma_converged::boolean                    as gamma_gamma_converged,
         $gamma_gamma_iterations::integer                   as gamma_gamma_iterations,
         $gamma_gamma_customers::integer                    as gamma_gamma_customers,
         $holdout_end_date::date                            as holdout_end_date,
         $holdout_weeks::double                             as holdout_weeks,
         $holdout_actual::integer                           as holdout_actual_repeat_purchases,
         $holdout_predicted::double                         as holdout_predicted_repeat_purchases,
         $fit_ms::integer                                   as fit_ms`,
    {
      run_id: model.runId,
      as_of_date: period.as_of_date,
      calibration_end_date: period.calibration_end_date,
      horizon_weeks: model.horizonWeeks,
      status: fit.status,
      reason_code: fit.reasonCode,
      reason: fit.reason,
      customers: fit.customers,
      repeat_customers: fit.repeatCustomers,
      bgnbd_r: fit.bgnbd?.r ?? null,
      bgnbd_alpha: fit.bgnbd?.alpha ?? null,
      bgnbd_a: fit.bgnbd?.a ?? null,
      bgnbd_b: fit.bgnbd?.b ?? null,
      bgnbd_log_likelihood: fit.bgnbd?.logLikelihood ?? null,
      bgnbd_converged: fit.bgnbd?.converged ?? null,
      bgnbd_iterations: fit.bgnbd?.iterations ?? null,
      gamma_gamma_p: fit.gammaGamma?.p ?? null,
      gamma_gamma_q: fit.gammaGamma?.q ?? null,
      gamma_gamma_v: fit.gammaGamma?.v ?? null,
      gamma_gamma_log_likelihood: fit.gammaGamma?.logLikelihood ?? null,
      gamma_gamma_converged: fit.gammaGamma?.converged ?? null,
      gamma_gamma_iterations: fit.gammaGamma?.iterations ?? null,
      gamma_gamma_customers: fit.gammaGammaCustomers,
      holdout_end_date: period.holdout_end_date,
      holdout_weeks: holdout?.weeks ?? null,
      holdout_actual: holdout?.actual ?? null,
      holdout_predicted: holdout?.predicted ?? null,
      fit_ms: fit.ms,
    },
  );
}

/**
 * Writes customer_clv: clv_purchase_summary's rows with each customer's values (`values` in the order of
 * `summaries`, or null when the models are not fitted), highest expected value first, then customer_id.
 */
export async function writeCustomerClv(
  connection: DuckDBConnection,
  summaries: readonly PurchaseSummary[],
  values: readonly CustomerValue[] | null,
  horizonWeeks: number,
): Promise<void> {
  await connection.run(`create or replace temp table clv_values (
      customer_id varchar, p_alive double, expected_purchases double, expected_spend double, expected_value double)`);
  if (values) {
    const appender = await connection.createAppender('clv_values');
    try {
      summaries.forEach((summary, i) => {
        const value = values[i]!;
        appender.appendVarchar(summary.customerId);
        appender.appendDouble(value.pAlive);
        appender.appendDouble(value.expectedPurchases);
        appender.appendDouble(value.expectedSpend);
        appender.appendDouble(value.expectedValue);
        appender.endRow();
      });
      appender.flushSync();
    } finally {
      appender.closeSync();
    }
  }
  await connection.run(
    `create or replace table customer_clv as
     select
         summary.customer_id,
         summary.last_name,
         summary.frequency,
         summary.recency_weeks,
         summary.t_weeks,
         summary.monetary_value,
         clv_values.p_alive,
         clv_values.expected_purchases,
         clv_values.expected_spend,
         clv_values.expected_value,
         $horizon_weeks::integer as horizon_weeks,
         summary.purchase_days,
         summary.first_purchase_date,
         summary.last_purchase_date,
         summary.recency_days,
         summary.t_days,
         summary.repeat_revenue,
         summary.as_of_date,
         summary.calibration_end_date
     from clv_purchase_summary as summary
     left join clv_values on clv_values.customer_id = summary.customer_id
     order by clv_values.expected_value desc nulls last, summary.customer_id`,
    { horizon_weeks: horizonWeeks },
  );
  await connection.run('drop table clv_values');
}

export async function readClvModel(connection: DuckDBConnection): Promise<ClvModelRow> {
  const [row] = await queryRows<ClvModelRow>(
    connection,
    `select * replace (as_of_date::varchar as as_of_date, calibration_end_date::varchar as calibration_end_date,
         holdout_end_date::varchar as holdout_end_date)
     from clv_model`,
  );
  return row!;
}

/** The `limit` customers of customer_clv with the highest expected value (all of them in summary order when not fitted). */
export function readTopClv(connection: DuckDBConnection, limit: number): Promise<CustomerClvRow[]> {
  return queryRows<CustomerClvRow>(
    connection,
    `select customer_id, last_name, frequency, recency_weeks, t_weeks, monetary_value, p_alive, expected_purchases,
         expected_spend, expected_value
     from customer_clv
     order by expected_value desc nulls last, customer_id
     limit $limit::bigint`,
    { limit },
  );
}
