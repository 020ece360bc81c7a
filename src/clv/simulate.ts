// Customers drawn from the BG/NBD and Gamma-Gamma processes with known parameters, from a seeded generator: test data,
// and the fit's benchmark (timeClvFit: the served model's work on 100,000 customers). Deterministic. No I/O.
import type { BgNbdParams } from './bgnbd.js';
import type { GammaGammaParams } from './gamma-gamma.js';
import { customerValues, fitClv, isFitted, rankByValue, type ClvFit } from './model.js';
import { PurchaseDays } from './purchase-days.js';

/** mulberry32: a small seeded generator of uniform numbers in [0, 1). */
export function seededUniform(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = Math.imul(state ^ (state >>> 15), state | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(uniform: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** A Gamma(shape, 1) draw (Marsaglia & Tsang 2000; shapes below one boosted by U^(1/shape)). */
export function gammaDraw(uniform: () => number, shape: number): number {
  if (shape < 1) return gammaDraw(uniform, shape + 1) * (1 - uniform()) ** (1 / shape);
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    const z = normal(uniform);
    const v = (1 + c * z) ** 3;
    if (v > 0 && Math.log(1 - uniform()) < 0.5 * z * z + d - d * v + d * Math.log(v)) return d * v;
  }
}

/** One simulated order: its customer, its UTC day (days since 1970-01-01) and its amount. */
export interface SimulatedOrder {
  customerId: string;
  day: number;
  cents: bigint;
}

export interface SimulationOptions {
  customers: number;
  seed: number;
  /** Weekly purchase rates ~ Gamma(r, alpha), drop-out after each repeat purchase ~ Beta(a, b): CDNOW's fit by default. */
  bgnbd?: BgNbdParams;
  /** Purchase values ~ Gamma(p, nu) with nu ~ Gamma(q, v): CDNOW's fit by default. */
  gammaGamma?: GammaGammaParams;
  /** The day the first customers arrive (days since 1970-01-01; 1997-01-01 by default) ... */
  firstDay?: number;
  /** ... spread over this many days ... */
  cohortDays?: number;
  /** ... and watched for this many days from firstDay. */
  days?: number;
}

/** simulateOrders as ORDER events: one NEW order per purchase at noon UTC, with key o<n>. */
export function simulatedOrderEvents(options: SimulationOptions): Record<string, unknown>[] {
  return simulateOrders(options).map(({ customerId, day, cents }, i) => ({
    type: 'ORDER',
    verb: 'NEW',
    key: `o${i}`,
    event_time: new Date(day * 86_400_000 + 12 * 3_600_000).toISOString(),
    customer_id: customerId,
    total_amount: `${cents / 100n}.${String(cents % 100n).padStart(2, '0')} USD`,
  }));
}

/** Orders of customers drawn from the two processes (customer ids c1, c2, ...), in customer order. */
export function simulateOrders(options: SimulationOptions): SimulatedOrder[] {
  const { r, alpha, a, b } = options.bgnbd ?? { r: 0.243, alpha: 4.41, a: 0.793, b: 2.43 };
  const { p, q, v } = options.gammaGamma ?? { p: 6.25, q: 3.74, v: 15.44 };
  const { firstDay = 9862, cohortDays = 84, days = 273 } = options;
  const uniform = seededUniform(options.seed);
  const orders: SimulatedOrder[] = [];
  for (let i = 1; i <= options.customers; i++) {
    const customerId = `c${i}`;
    const rate = gammaDraw(uniform, r) / alpha;
    const dropOut = gammaDraw(uniform, a);
    const chance = dropOut / (dropOut + gammaDraw(uniform, b));
    const scale = gammaDraw(uniform, q) / v;
    const amount = () => BigInt(Math.max(1, Math.round((gammaDraw(uniform, p) / scale) * 100)));
    const first = Math.floor(uniform() * cohortDays);
    orders.push({ customerId, day: firstDay + first, cents: amount() });
    for (let weeks = 0; ;) {
      weeks += -Math.log(1 - uniform()) / rate;
      const day = first + Math.ceil(weeks * 7);
      if (day >= days) break;
      orders.push({ customerId, day: firstDay + day, cents: amount() });
      if (uniform() < chance) break;
    }
  }
  return orders;
}

/** The orders as the store worker keeps them. */
export function purchaseDaysOf(orders: readonly SimulatedOrder[]): PurchaseDays {
  const purchases = new PurchaseDays();
  for (const { customerId, day, cents } of orders) {
    purchases.move(undefined, {
      at: day * 86_400_000,
      isUpdate: false,
      amountCents: cents,
      customerId,
      lastName: null,
    });
  }
  return purchases;
}

export interface FitTiming {
  customers: number;
  /** Fitting BG/NBD and Gamma-Gamma from scratch, then from the fit itself (a warm start), in ms. */
  coldMs: number;
  warmMs: number;
  /** Every customer's values at 52 weeks and the top 1000, in ms. */
  valuesMs: number;
  fit: ClvFit;
}

/**
 * The served model's work on `customers` simulated customers (CDNOW's parameters, 39 weeks): the summaries' fit from
 * scratch and from a warm start, and the customer values. For the benchmarks.
 */
export function timeClvFit(customers = 100_000, seed = 1): FitTiming {
  const purchases = purchaseDaysOf(simulateOrders({ customers, seed }));
  const summaries = purchases.summaries(9862 + 273);
  let started = performance.now();
  const fit = fitClv(summaries);
  const coldMs = performance.now() - started;
  if (!isFitted(fit)) return { customers, coldMs, warmMs: 0, valuesMs: 0, fit };
  started = performance.now();
  fitClv(summaries, { bgnbd: fit.bgnbd, gammaGamma: fit.gammaGamma });
  const warmMs = performance.now() - started;
  started = performance.now();
  rankByValue(summaries, customerValues(fit, summaries, 52), 1000);
  return { customers, coldMs, warmMs, valuesMs: performance.now() - started, fit };
}
