// `npm run ltv -- model`: fits BG/NBD and Gamma-Gamma to the orders of event files (or of the event store) and prints
// the fit, checked on a holdout period when one is given. With --json, the fit's JSON alone on stdout; rejected events,
// conflicts and a model that cannot be fitted on stderr. Throws for cli.ts to report; never writes the warehouse.
import { loadConfig } from '../config.js';
import { UsageError } from '../errors.js';
import { eventPaths, reportEvents, type LtvOptions } from '../ltv/commands.js';
import { fromEventFiles } from '../ltv/top-ltv.js';
import { formatTable } from '../text-table.js';
import { DEFAULT_HORIZON_WEEKS } from './customer-clv.js';
import type { ClvModelRow } from './model-tables.js';
import { clvReport, type ClvReport } from './pipeline.js';

/** A date option: YYYY-MM-DD, a day that exists. */
function dateOption(name: string, value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const [year, month, day] = value.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day));
  const exists = date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || !exists) {
    throw new UsageError(`--${name} must be a date YYYY-MM-DD that exists, not ${JSON.stringify(value)}`);
  }
  return value;
}

/** The day after a YYYY-MM-DD date. */
function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

/** The JSON of `ltv model --json`: the fits, and the holdout check when one was asked for. */
export function modelJson(model: ClvModelRow): Record<string, unknown> {
  return {
    calibration_end: model.calibration_end_date,
    customers: model.customers,
    bgnbd: {
      r: model.bgnbd_r,
      alpha: model.bgnbd_alpha,
      a: model.bgnbd_a,
      b: model.bgnbd_b,
      log_likelihood: model.bgnbd_log_likelihood,
    },
    gamma_gamma: {
      p: model.gamma_gamma_p,
      q: model.gamma_gamma_q,
      v: model.gamma_gamma_v,
      customers: model.gamma_gamma_customers,
    },
    ...(model.holdout_end_date === null
      ? {}
      : {
          holdout: {
            end: model.holdout_end_date,
            weeks: model.holdout_weeks,
            actual_repeat_purchases: model.holdout_actual_repeat_purchases,
            predicted_repeat_purchases: model.holdout_predicted_repeat_purchases,
          },
        }),
  };
}

const fixed = (value: number | null, digits: number) => (value === null ? null : Number(value.toFixed(digits)));

function describeModel({ model, top }: ClvReport): string {
  const m = model;
  const asOf = m.calibration_end_date === m.as_of_date ? '' : `; data to ${m.as_of_date}`;
  const lines = [
    `${m.customers} customers with an order up to ${m.calibration_end_date} (the calibration end${asOf}), ${m.repeat_customers} with repeat purchases; time in weeks`,
    `BG/NBD:      r = ${m.bgnbd_r!.toFixed(4)}  alpha = ${m.bgnbd_alpha!.toFixed(4)}  a = ${m.bgnbd_a!.toFixed(4)}  b = ${m.bgnbd_b!.toFixed(4)}  log-likelihood = ${m.bgnbd_log_likelihood!.toFixed(2)}  (converged in ${m.bgnbd_iterations} iterations)`,
    `Gamma-Gamma: p = ${m.gamma_gamma_p!.toFixed(4)}  q = ${m.gamma_gamma_q!.toFixed(4)}  v = ${m.gamma_gamma_v!.toFixed(4)}  log-likelihood = ${m.gamma_gamma_log_likelihood!.toFixed(2)}  (${m.gamma_gamma_customers} customers with repeat spend; converged in ${m.gamma_gamma_iterations} iterations)`,
  ];
  if (m.holdout_end_date !== null) {
    const predicted = m.holdout_predicted_repeat_purchases!;
    const actual = m.holdout_actual_repeat_purchases!;
    const gap = actual > 0 ? ` (${(((predicted - actual) / actual) * 100).toFixed(1)} %)` : '';
    lines.push(
      `holdout ${nextDay(m.calibration_end_date!)} to ${m.holdout_end_date} (${Number(m.holdout_weeks!.toFixed(2))} weeks): ${actual} repeat purchases, ${predicted.toFixed(1)} predicted${gap}`,
    );
  }
  lines.push(
    '',
    `top ${top.length} by expected value over the next ${DEFAULT_HORIZON_WEEKS} weeks (as of ${m.calibration_end_date}; USD):`,
    formatTable(
      [
        'customer_id',
        'last_name',
        'frequency',
        'recency_weeks',
        't_weeks',
        'monetary_value',
        'p_alive',
        'expected_purchases',
        'expected_spend',
        'expected_value',
      ],
      top.map((c) => [
        c.customer_id,
        c.last_name,
        c.frequency,
        fixed(c.recency_weeks, 2),
        fixed(c.t_weeks, 2),
        fixed(c.monetary_value, 2),
        fixed(c.p_alive, 4),
        fixed(c.expected_purchases, 4),
        fixed(c.expected_spend, 2),
        fixed(c.expected_value, 2),
      ]),
    ),
  );
  return lines.join('\n');
}

/** `ltv model [--events FILE]... [--calibration-end D [--holdout-end D]] [--json]`. */
export async function model(positionals: string[], options: LtvOptions): Promise<void> {
  if (positionals.length > 0) throw new UsageError(`ltv model takes options only, not ${positionals.join(' ')}`);
  const calibrationEnd = dateOption('calibration-end', options.calibrationEnd);
  const holdoutEnd = dateOption('holdout-end', options.holdoutEnd);
  if (holdoutEnd !== undefined && calibrationEnd === undefined) {
    throw new UsageError('--holdout-end needs --calibration-end: the holdout is the period after the calibration end');
  }
  if (holdoutEnd !== undefined && holdoutEnd <= calibrationEnd!) {
    throw new UsageError(`--holdout-end ${holdoutEnd} must be after --calibration-end ${calibrationEnd}`);
  }
  const paths = eventPaths(options.events);
  const config = loadConfig();
  const input = { calibrationEnd, holdoutEnd };
  const report =
    paths.length > 0
      ? await fromEventFiles(paths, (events) => clvReport(events, input, config.SQL_DIR))
      : await clvReport({ store: config.EVENTS_PATH }, input, config.SQL_DIR);
  reportEvents(paths, report);
  if (report.model.status !== 'fitted') {
    throw new Error(`the customer value model cannot be fitted (${report.model.reason_code}): ${report.model.reason}`);
  }
  console.log(options.json ? JSON.stringify(modelJson(report.model), null, 2) : describeModel(report));
}
