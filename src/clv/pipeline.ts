// The customer value feature of the pipeline (sql/clv/: purchase days, the period, the purchase summary): its compute
// step fits BG/NBD and Gamma-Gamma and writes clv_model and customer_clv; and the report `npm run ltv -- model`
// prints, computed in memory. Data that cannot be fitted is recorded in clv_model, never a failed refresh.
// Runs in the pipeline worker or the CLI.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { FeatureRun, PipelineFeature } from '../pipeline/feature.js';
import { runInMemory } from '../pipeline/in-memory.js';
import { queryRows, sqlString } from '../warehouse/database.js';
import type { EventSource } from '../ltv/event-input.js';
import { eventsPipeline, ltvPipeline, readEventReport, type EventReport } from '../ltv/pipeline.js';
import { DEFAULT_HORIZON_WEEKS } from './customer-clv.js';
import {
  customerValues,
  fitClv,
  isFitted,
  predictedPurchases,
  unfitted,
  type ClvFit,
  type CustomerValue,
  type PurchaseSummary,
} from './model.js';
import { ModelError } from './model-error.js';
import {
  readClvModel,
  readTopClv,
  writeClvModel,
  writeCustomerClv,
  type ClvModelRow,
  type ClvPeriod,
  type CustomerClvRow,
  type Holdout,
} from './model-tables.js';

/** The feature's input: a calibration end and a holdout end (YYYY-MM-DD), from `npm run ltv -- model`; none in a refresh. */
export interface ClvInput {
  calibrationEnd?: string;
  holdoutEnd?: string;
}

/** clv_period reads the calibration and holdout ends from these variables (null: the as-of date, no holdout). */
async function attach({ connection, input }: FeatureRun): Promise<void> {
  const { calibrationEnd, holdoutEnd } = (input ?? {}) as ClvInput;
  const date = (value: string | undefined) => (value === undefined ? 'null' : `${sqlString(value)}::date`);
  await connection.run(`set variable clv_calibration_end = ${date(calibrationEnd)}`);
  await connection.run(`set variable clv_holdout_end = ${date(holdoutEnd)}`);
}

interface SummaryRow {
  customer_id: string;
  frequency: number;
  recency_days: number;
  t_days: number;
  repeat_cents: string;
  monetary_value: number | null;
  holdout_purchase_days: number | null;
}

async function readSummaries(connection: DuckDBConnection): Promise<{ summaries: PurchaseSummary[]; holdout: number }> {
  const rows = await queryRows<SummaryRow>(
    connection,
    `select customer_id, frequency, recency_days, t_days, (repeat_revenue * 100)::hugeint::varchar as repeat_cents,
         monetary_value, holdout_purchase_days
     from clv_purchase_summary
     order by customer_id`,
  );
  return {
    summaries: rows.map((row) => ({
      customerId: row.customer_id,
      frequency: row.frequency,
      recencyDays: row.recency_days,
      tDays: row.t_days,
      repeatCents: BigInt(row.repeat_cents),
      monetaryValue: row.monetary_value,
    })),
    holdout: rows.reduce((sum, row) => sum + (row.holdout_purchase_days ?? 0), 0),
  };
}

/** A calibration or holdout end after the data's last day would count days without data as days without purchases. */
function periodProblem(period: ClvPeriod): { code: string; message: string } | undefined {
  const { as_of_date: asOf, calibration_end_date: calibrationEnd, holdout_end_date: holdoutEnd } = period;
  if (asOf === null) return undefined;
  for (const [name, code, end] of [
    ['calibration end', 'CALIBRATION_END_AFTER_DATA', calibrationEnd],
    ['holdout end', 'HOLDOUT_END_AFTER_DATA', holdoutEnd],
  ] as const) {
    if (end !== null && end > asOf) {
      return {
        code,
        message: `the ${name} ${end} is after the data's last day ${asOf}: the days between would count as days without purchases`,
      };
    }
  }
  return undefined;
}

/** The fit, each customer's values at the horizon (null unless fitted) and the holdout check; never throws for the data. */
function evaluate(
  period: ClvPeriod,
  summaries: readonly PurchaseSummary[],
  holdoutActual: number,
  horizonWeeks: number,
): { fit: ClvFit; values: CustomerValue[] | null; holdout: Holdout | null } {
  const problem = periodProblem(period);
  let fit = problem ? unfitted(summaries, problem.code, problem.message) : fitClv(summaries);
  let values: CustomerValue[] | null = null;
  let predicted: number | null = null;
  if (isFitted(fit)) {
    try {
      values = customerValues(fit, summaries, horizonWeeks);
      if (period.holdout_days !== null) predicted = predictedPurchases(fit.bgnbd, summaries, period.holdout_days / 7);
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      values = null;
      fit = { ...fit, status: 'not_fitted', reasonCode: error.code, reason: `the values: ${error.message}` };
    }
  }
  const holdout =
    period.holdout_days === null ? null : { weeks: period.holdout_days / 7, actual: holdoutActual, predicted };
  return { fit, values, holdout };
}

async function compute({ connection, runId }: FeatureRun): Promise<void> {
  const [period] = await queryRows<ClvPeriod>(
    connection,
    `select as_of_date::varchar as as_of_date, calibration_end_date::varchar as calibration_end_date,
         holdout_end_date::varchar as holdout_end_date,
         (holdout_end_date - calibration_end_date)::integer as holdout_days
     from clv_period`,
  );
  const { summaries, holdout: holdoutActual } = await readSummaries(connection);
  const { fit, values, holdout } = evaluate(period!, summaries, holdoutActual, DEFAULT_HORIZON_WEEKS);
  await writeCustomerClv(connection, summaries, values, DEFAULT_HORIZON_WEEKS);
  await writeClvModel(connection, { runId, period: period!, horizonWeeks: DEFAULT_HORIZON_WEEKS, fit, holdout });
}

export const clvPipeline: PipelineFeature = { name: 'clv', attach, compute };

/** What `npm run ltv -- model` shows: the model, the customers with the highest expected value, and the events' report. */
export interface ClvReport extends EventReport {
  model: ClvModelRow;
  top: CustomerClvRow[];
}

/** The customer value model of an event source, fitted in memory (the warehouse is not touched). */
export function clvReport(events: EventSource, input: ClvInput, sqlDir: string, limit = 10): Promise<ClvReport> {
  return runInMemory(
    [eventsPipeline, ltvPipeline, clvPipeline],
    { sqlDir, inputs: { events, clv: input }, onDisk: 'files' in events },
    async (connection) => ({
      ...(await readEventReport(connection, events)),
      model: await readClvModel(connection),
      top: await readTopClv(connection, limit),
    }),
  );
}
