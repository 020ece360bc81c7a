// The customer value model as the service runs it: BG/NBD (whether and how often a customer buys again) and
// Gamma-Gamma (how much) fitted to purchase summaries, then each customer's P(alive), expected purchases, expected
// spend and value. Shared by the pipeline (pipeline.ts) and the store worker (served-model.ts), so both compute the
// same numbers from the same summaries. No I/O; a model that cannot be fitted is a status with its reason, never NaN.
import {
  expectedPurchases,
  expectedPurchasesNew,
  fitBgNbd,
  pAlive,
  type BgNbdCustomer,
  type BgNbdFit,
  type BgNbdParams,
} from './bgnbd.js';
import { expectedSpend, fitGammaGamma, type GammaGammaFit, type GammaGammaParams } from './gamma-gamma.js';
import { finite, ModelError } from './model-error.js';
import { compareText } from '../ltv/store/text-order.js';

/** The models' time unit is the week; summaries count whole UTC days. */
const WEEK_DAYS = 7;

/** One customer's purchases up to the calibration end (the as-of date unless given), as the models read them. */
export interface PurchaseSummary {
  customerId: string;
  /** Repeat purchases: purchase days after the first. */
  frequency: number;
  /** Days from the first purchase day to the last one. */
  recencyDays: number;
  /** Days from the first purchase day to the calibration end. */
  tDays: number;
  /** The cents of the purchase days after the first. */
  repeatCents: bigint;
  /** Their mean per repeat purchase day, in USD (repeat cents / frequency / 100); null without repeat purchases. */
  monetaryValue: number | null;
}

/** Where a refit starts: the previous fit's parameters. */
export interface ModelStart {
  bgnbd: BgNbdParams;
  gammaGamma: GammaGammaParams;
}

export interface ClvFit {
  status: 'fitted' | 'not_fitted';
  /** Why not: a ModelError code (NO_CUSTOMERS, NO_REPEAT_PURCHASES, TOO_FEW_CUSTOMERS, FIT_DID_NOT_CONVERGE, ...). */
  reasonCode: string | null;
  reason: string | null;
  /** Customers with a purchase up to the calibration end. */
  customers: number;
  /** Of which with at least one repeat purchase. */
  repeatCustomers: number;
  /** Of which the Gamma-Gamma model is fitted to: repeat purchases worth more than zero (the model needs positive spend). */
  gammaGammaCustomers: number;
  /** Each model's fit, when it got that far (a BG/NBD fit is kept when the Gamma-Gamma one fails). */
  bgnbd: BgNbdFit | null;
  gammaGamma: GammaGammaFit | null;
  /** How long fitting took, in ms. */
  ms: number;
}

export type FittedClv = ClvFit & { status: 'fitted'; bgnbd: BgNbdFit; gammaGamma: GammaGammaFit };

export interface CustomerValue {
  pAlive: number;
  /** Expected purchases over the horizon. */
  expectedPurchases: number;
  /** Expected spend per purchase, USD (the Gamma-Gamma conditional mean). */
  expectedSpend: number;
  /** expectedPurchases times expectedSpend, USD. */
  expectedValue: number;
}

/** The BG/NBD input: customers watched for some time, identical summaries merged with a count. */
function bgNbdCustomers(summaries: readonly PurchaseSummary[]): BgNbdCustomer[] {
  const rows = new Map<string, BgNbdCustomer>();
  for (const { frequency, recencyDays, tDays } of summaries) {
    // A first purchase on the last day: its likelihood is 1 whatever the parameters, so it tells the fit nothing.
    if (tDays === 0) continue;
    const key = `${frequency} ${recencyDays} ${tDays}`;
    const row = rows.get(key);
    if (row) row.count!++;
    else rows.set(key, { x: frequency, t_x: recencyDays / WEEK_DAYS, T: tDays / WEEK_DAYS, count: 1 });
  }
  return [...rows.values()];
}

function failure(error: unknown, model: string): { code: string; message: string } {
  if (!(error instanceof ModelError)) throw error;
  return { code: error.code, message: `${model}: ${error.message}` };
}

/** A fit that was not attempted or did not succeed, with the customers' counts. */
export function unfitted(summaries: readonly PurchaseSummary[], code: string | null, reason: string | null): ClvFit {
  return {
    status: 'not_fitted',
    reasonCode: code,
    reason,
    customers: summaries.length,
    repeatCustomers: summaries.filter((summary) => summary.frequency > 0).length,
    gammaGammaCustomers: summaries.filter((summary) => summary.frequency > 0 && summary.repeatCents > 0n).length,
    bgnbd: null,
    gammaGamma: null,
    ms: 0,
  };
}

/**
 * Fits both models to the summaries (in customer_id order, as both callers give them, so equal inputs give equal
 * fits), from `start` when given. Never throws for the data's sake: what cannot be fitted is a not_fitted status.
 */
export function fitClv(summaries: readonly PurchaseSummary[], start?: ModelStart): ClvFit {
  const started = performance.now();
  const fit = unfitted(summaries, null, null);
  const spenders = summaries.filter((summary) => summary.frequency > 0 && summary.repeatCents > 0n);
  const done = (reason?: { code: string; message: string }): ClvFit => {
    fit.ms = Math.round(performance.now() - started);
    if (!reason) return { ...fit, status: 'fitted' };
    return { ...fit, reasonCode: reason.code, reason: reason.message };
  };
  if (summaries.length === 0) {
    return done({ code: 'NO_CUSTOMERS', message: 'no customer has an order (up to the calibration end)' });
  }
  const watched = bgNbdCustomers(summaries);
  if (watched.length === 0) {
    return done({
      code: 'NO_CUSTOMERS',
      message: 'BG/NBD: every customer made its first purchase on the last day, so none has been watched for any time',
    });
  }
  try {
    fit.bgnbd = fitBgNbd(watched, { start: start?.bgnbd });
  } catch (error) {
    return done(failure(error, 'BG/NBD'));
  }
  if (!fit.bgnbd.converged) {
    return done({
      code: 'FIT_DID_NOT_CONVERGE',
      message: `BG/NBD: the fit did not confirm its maximum within ${fit.bgnbd.iterations} iterations`,
    });
  }
  try {
    fit.gammaGamma = fitGammaGamma(
      spenders.map((summary) => ({ x: summary.frequency, m_x: summary.monetaryValue! })),
      { start: start?.gammaGamma },
    );
  } catch (error) {
    return done(failure(error, 'Gamma-Gamma'));
  }
  const { p, q, v, converged, iterations } = fit.gammaGamma;
  if (!converged) {
    return done({
      code: 'FIT_DID_NOT_CONVERGE',
      message: `Gamma-Gamma: the fit did not confirm its maximum within ${iterations} iterations`,
    });
  }
  if (!(q > 1)) {
    return done({
      code: 'NOT_FINITE',
      message: `Gamma-Gamma: q = ${q.toPrecision(4)} is not above 1, so the expected spend of a customer without repeat purchases (v p / (q - 1), p = ${p.toPrecision(4)}, v = ${v.toPrecision(4)}) is infinite`,
    });
  }
  return done();
}

export function isFitted(fit: ClvFit): fit is FittedClv {
  return fit.status === 'fitted';
}

/** P(alive) and expected purchases over `horizonWeeks`; a customer whose first purchase is on the last day (T = 0) is a new one. */
function purchasesOf(params: BgNbdParams, summary: PurchaseSummary, horizonWeeks: number): [number, number] {
  const { frequency: x, recencyDays, tDays } = summary;
  if (tDays === 0) return [1, expectedPurchasesNew(params, horizonWeeks)];
  const [t_x, T] = [recencyDays / WEEK_DAYS, tDays / WEEK_DAYS];
  return [pAlive(params, x, t_x, T), expectedPurchases(params, x, t_x, T, horizonWeeks)];
}

/**
 * The Gamma-Gamma conditional mean spend. Repeat purchases worth nothing in all (0.00 USD orders) are outside the
 * model, which needs positive spend: such a customer is left out of the fit, and its mean is the same weighted average
 * with m_x = 0, v p / (p x + q - 1) (finite, as q > 1 once fitted).
 */
function spendOf(params: GammaGammaParams, summary: PurchaseSummary): number {
  const { frequency: x, monetaryValue } = summary;
  if (x === 0) return expectedSpend(params, 0, 0);
  if (monetaryValue! > 0) return expectedSpend(params, x, monetaryValue!);
  return finite((params.v * params.p) / (params.p * x + params.q - 1), 'the expected spend');
}

/**
 * Each customer's values over `horizonWeeks`, in the order of `summaries`. Customers with the same frequency, recency
 * and T share their BG/NBD values, computed once. Throws a ModelError when a value cannot be computed (a horizon far
 * too long for the fitted time scale).
 */
export function customerValues(
  fit: FittedClv,
  summaries: readonly PurchaseSummary[],
  horizonWeeks: number,
): CustomerValue[] {
  const shared = new Map<string, [number, number]>();
  return summaries.map((summary) => {
    const key = `${summary.frequency} ${summary.recencyDays} ${summary.tDays}`;
    let purchases = shared.get(key);
    if (!purchases) {
      purchases = purchasesOf(fit.bgnbd, summary, horizonWeeks);
      shared.set(key, purchases);
    }
    const spend = spendOf(fit.gammaGamma, summary);
    return {
      pAlive: purchases[0],
      expectedPurchases: purchases[1],
      expectedSpend: spend,
      expectedValue: finite(purchases[1] * spend, 'the expected value'),
    };
  });
}

/** The sum of the customers' expected repeat purchases in the `weeks` after the calibration end (the holdout forecast). */
export function predictedPurchases(params: BgNbdParams, summaries: readonly PurchaseSummary[], weeks: number): number {
  const shared = new Map<string, number>();
  let total = 0;
  for (const summary of summaries) {
    const key = `${summary.frequency} ${summary.recencyDays} ${summary.tDays}`;
    let expected = shared.get(key);
    if (expected === undefined) {
      expected = purchasesOf(params, summary, weeks)[1];
      shared.set(key, expected);
    }
    total += expected;
  }
  return total;
}

/** The positions of the `limit` highest expected values, highest first, equal values in customer_id order. */
export function rankByValue(
  summaries: readonly PurchaseSummary[],
  values: readonly CustomerValue[],
  limit: number,
): number[] {
  return summaries
    .map((_, i) => i)
    .sort(
      (i, j) =>
        values[j]!.expectedValue - values[i]!.expectedValue ||
        compareText(summaries[i]!.customerId, summaries[j]!.customerId),
    )
    .slice(0, limit);
}
