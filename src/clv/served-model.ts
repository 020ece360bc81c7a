// GET /customers/top-clv's model, in the store worker: fitted to the purchase days the store keeps up to date, kept
// until the orders or the as-of date change, then refitted from the previous fit; each horizon's ranking is kept with
// it. Synchronous, so a worker computes one answer at a time. No I/O, no DuckDB.
import { AppError } from '../errors.js';
import { MAX_TOP } from '../ltv/customer-ltv.js';
import type { CustomerClv } from './customer-clv.js';
import {
  customerValues,
  fitClv,
  isFitted,
  rankByValue,
  type ClvFit,
  type FittedClv,
  type ModelStart,
  type PurchaseSummary,
} from './model.js';
import { ModelError } from './model-error.js';
import { dayOf, type PurchaseDays } from './purchase-days.js';

/** What the model reads: the store's purchase days, its data set's last event, and last names. */
export interface ClvSource {
  readonly purchases: PurchaseDays;
  readonly state: { timeframe(): { last: number } | undefined; lastName(customerId: string): string | null };
}

/** The fit an answer comes from, and how it was had. */
export interface ServedModel {
  as_of_date: string;
  /** kept: the fit of an earlier answer (no order changed); warm: refitted from the previous fit; cold: from scratch. */
  fit: 'kept' | 'warm' | 'cold';
  /** How long this answer's fitting took (0 when kept). */
  fit_ms: number;
  customers: number;
  bgnbd: { r: number; alpha: number; a: number; b: number; log_likelihood: number };
  gamma_gamma: { p: number; q: number; v: number; customers: number; log_likelihood: number };
}

export interface ServedTopClv {
  customers: CustomerClv[];
  model: ServedModel;
}

/** Rankings kept per fit, one per horizon asked for (the most recent ones). */
const KEPT_HORIZONS = 8;

type Ranked = Omit<CustomerClv, 'last_name'>[];

interface Current {
  changes: number;
  asOfDay: number;
  fit: ClvFit;
  summaries: PurchaseSummary[];
  ranked: Map<number, Ranked>;
}

function notFitted(code: string | null, reason: string | null): AppError {
  return new AppError(422, 'MODEL_NOT_FITTED', `the customer value model is not fitted (${code}): ${reason}`);
}

function isoDay(day: number): string {
  return new Date(day * 86_400_000).toISOString().slice(0, 10);
}

export class ServedClv {
  #current: Current | undefined;
  /** The last successful fit's parameters: where the next fit starts. */
  #start: ModelStart | undefined;

  constructor(private readonly source: ClvSource) {}

  /** The `limit` customers with the highest expected value over `horizonWeeks`; a 422 when the model cannot be fitted. */
  top(limit: number, horizonWeeks: number): ServedTopClv {
    const frame = this.source.state.timeframe();
    if (!frame) throw notFitted('NO_CUSTOMERS', 'there are no events yet');
    const asOfDay = dayOf(frame.last);
    const changes = this.source.purchases.changes;
    let how: ServedModel['fit'] = 'kept';
    if (!this.#current || this.#current.changes !== changes || this.#current.asOfDay !== asOfDay) {
      const summaries = this.source.purchases.summaries(asOfDay);
      const refit = this.#fit(summaries);
      how = refit.how;
      this.#current = { changes, asOfDay, fit: refit.fit, summaries, ranked: new Map() };
    }
    const { fit, summaries, ranked } = this.#current;
    if (!isFitted(fit)) throw notFitted(fit.reasonCode, fit.reason);
    let rows = ranked.get(horizonWeeks);
    if (!rows) {
      rows = this.#rank(fit, summaries, horizonWeeks);
      if (ranked.size >= KEPT_HORIZONS) ranked.delete(ranked.keys().next().value!);
      ranked.set(horizonWeeks, rows);
    }
    const { r, alpha, a, b, logLikelihood } = fit.bgnbd;
    const { p, q, v } = fit.gammaGamma;
    return {
      customers: rows
        .slice(0, limit)
        .map((row) => ({ ...row, last_name: this.source.state.lastName(row.customer_id) })),
      model: {
        as_of_date: isoDay(asOfDay),
        fit: how,
        fit_ms: how === 'kept' ? 0 : fit.ms,
        customers: fit.customers,
        bgnbd: { r, alpha, a, b, log_likelihood: logLikelihood },
        gamma_gamma: {
          p,
          q,
          v,
          customers: fit.gammaGammaCustomers,
          log_likelihood: fit.gammaGamma.logLikelihood,
        },
      },
    };
  }

  /** Fits from the previous fit when there is one; a warm start that fails is tried again from scratch. */
  #fit(summaries: PurchaseSummary[]): { fit: ClvFit; how: 'warm' | 'cold' } {
    let fit = this.#start ? fitClv(summaries, this.#start) : undefined;
    const how = fit && isFitted(fit) ? 'warm' : 'cold';
    if (!fit || !isFitted(fit)) fit = fitClv(summaries);
    if (isFitted(fit)) {
      const { r, alpha, a, b } = fit.bgnbd;
      const { p, q, v } = fit.gammaGamma;
      this.#start = { bgnbd: { r, alpha, a, b }, gammaGamma: { p, q, v } };
    }
    return { fit, how };
  }

  #rank(fit: FittedClv, summaries: PurchaseSummary[], horizonWeeks: number): Ranked {
    let values;
    try {
      values = customerValues(fit, summaries, horizonWeeks);
    } catch (error) {
      if (!(error instanceof ModelError)) throw error;
      throw new AppError(
        422,
        'VALUE_NOT_COMPUTABLE',
        `the customer values over ${horizonWeeks} weeks cannot be computed (${error.code}): ${error.message}`,
      );
    }
    return rankByValue(summaries, values, MAX_TOP).map((i) => {
      const summary = summaries[i]!;
      const value = values[i]!;
      return {
        customer_id: summary.customerId,
        frequency: summary.frequency,
        recency_weeks: summary.recencyDays / 7,
        t_weeks: summary.tDays / 7,
        monetary_value: summary.monetaryValue,
        p_alive: value.pAlive,
        expected_purchases: value.expectedPurchases,
        expected_value: value.expectedValue,
      };
    });
  }
}
