// BG/NBD (Fader, Hardie & Lee 2005, "Counting Your Customers the Easy Way", Marketing Science 24(2)): likelihood,
// maximum-likelihood fit, P(alive) and expected purchases from customer summaries. No I/O, no clock, no NaN.
import { finite, ModelError, requireInput, requirePositive } from './model-error.js';
import { minimize } from './optimize.js';
import { hyp2f1Tail, logRisingFactorial } from './special-functions.js';

export interface BgNbdParams {
  r: number;
  alpha: number;
  a: number;
  b: number;
}

/** x repeat purchases, the last t_x after the first purchase, observed for T since it (one time unit throughout). */
export interface BgNbdCustomer {
  x: number;
  t_x: number;
  T: number;
  /** How many customers share these three numbers (1 if left out), so they are evaluated once. */
  count?: number;
}

export interface BgNbdFit extends BgNbdParams {
  logLikelihood: number;
  /** Whether the minimiser confirmed the maximum (see optimize.ts); false when `maxIterations` ran out first. */
  converged: boolean;
  /** Nelder-Mead iterations, over all its restarts. */
  iterations: number;
}

export interface BgNbdFitOptions {
  /** Warm start: the previous fit's parameters, when refitting on data that has changed a little. */
  start?: BgNbdParams;
  maxIterations?: number;
}

/** Fewer customers than this cannot pin down four parameters. */
export const BGNBD_MIN_CUSTOMERS = 10;

/** A fitted coordinate (see `fromCoordinates`) beyond this size (e^18, about 7e7) has run off to an edge ... */
const EDGE = 18;
/** ... and beyond this one the likelihood is not even evaluated, so the simplex stops there instead of wandering on. */
const WALL = 2 * EDGE;

/** The first simplex step in the fit's coordinates: a factor of about 1.65 from the default start, 1.1 from a warm one. */
const COLD_STEP = 0.5;
const WARM_STEP = 0.1;

/** How close a is allowed to its removable singularities before the formula is interpolated across them. */
const NEAR_SINGULAR = 1e-5;

/**
 * Distinct (x, t_x, T) with the number of customers sharing each, in rising x. The times are kept once each in
 * `times` (real data has few distinct ones, whole days), so ln(1 + time/α) is computed once per time, not per customer.
 */
interface Tuples {
  x: Float64Array;
  txAt: Int32Array;
  TAt: Int32Array;
  count: Float64Array;
  times: Float64Array;
  total: number;
}

function checkCustomer(x: number, t_x: number, T: number, who: string): void {
  requireInput(x, Number.isInteger(x) && x >= 0, `${who}x (repeat purchases)`, 'a whole number >= 0');
  requirePositive(T, `${who}T (time since the first purchase)`);
  requireInput(
    t_x,
    Number.isFinite(t_x) && t_x >= 0 && t_x <= T,
    `${who}t_x (time of the last purchase)`,
    `between 0 and T = ${T}`,
  );
  requireInput(t_x, x > 0 || t_x === 0, `${who}t_x`, '0 when x is 0 (the last purchase is the first one)');
}

function checkParams({ r, alpha, a, b }: BgNbdParams): void {
  for (const [name, value] of Object.entries({ r, alpha, a, b })) {
    requirePositive(value, `the BG/NBD parameter ${name}`);
  }
}

function compress(customers: readonly BgNbdCustomer[]): Tuples {
  const at = new Map<string, number>();
  const rows: { x: number; t_x: number; T: number; count: number }[] = [];
  customers.forEach(({ x, t_x, T, count = 1 }, index) => {
    checkCustomer(x, t_x, T, `customers[${index}]: `);
    requirePositive(count, `customers[${index}]: count`);
    const key = `${x} ${t_x} ${T}`;
    const row = at.get(key);
    if (row === undefined) {
      at.set(key, rows.length);
      rows.push({ x, t_x, T, count });
    } else rows[row]!.count += count;
  });
  rows.sort((one, other) => one.x - other.x);
  const timeAt = new Map<number, number>();
  const indexOf = (time: number) => timeAt.get(time) ?? (timeAt.set(time, timeAt.size), timeAt.size - 1);
  return {
    x: Float64Array.from(rows, (row) => row.x),
    txAt: Int32Array.from(rows, (row) => indexOf(row.t_x)),
    TAt: Int32Array.from(rows, (row) => indexOf(row.T)),
    count: Float64Array.from(rows, (row) => row.count),
    times: Float64Array.from(timeAt.keys()),
    total: rows.reduce((sum, row) => sum + row.count, 0),
  };
}

/** ln(1 + e^d) without overflow. */
function softplus(d: number): number {
  return d > 0 ? d + Math.log1p(Math.exp(-d)) : Math.log1p(Math.exp(d));
}

/**
 * Sum of count times ln L(r, α, a, b | x, t_x, T), the paper's likelihood of a randomly chosen customer:
 * L = B(a, b+x)/B(a, b) Γ(r+x) α^r / (Γ(r) (α+T)^(r+x)) [1 + [x > 0] a/(b+x-1) ((α+T)/(α+t_x))^(r+x)]
 * (as in Hardie's spreadsheet note, brucehardie.com/notes/004, and the `lifetimes` package), in logs as
 * ln (r)_x + ln (b)_x - ln (a+b)_x - x ln α - (r+x) ln(1 + T/α) + [x > 0] ln(1 + e^d), with (y)_x = Γ(y+x)/Γ(y).
 * Written with rising factorials and ln(1 + T/α), it stays exact as parameters grow large together (a fit running
 * to an edge); the terms that depend on x alone are computed once per distinct x, ln(1 + time/α) once per time.
 */
function sumLogLikelihood({ r, alpha, a, b }: BgNbdParams, data: Tuples): number {
  const logAlpha = Math.log(alpha);
  const logGrowth = data.times.map((time) => Math.log1p(time / alpha));
  let total = 0;
  let lastX = -1;
  let perX = 0;
  let logOdds = 0;
  for (let i = 0; i < data.x.length; i++) {
    const x = data.x[i]!;
    if (x !== lastX) {
      lastX = x;
      perX = logRisingFactorial(r, x) + logRisingFactorial(b, x) - logRisingFactorial(a + b, x) - x * logAlpha;
      logOdds = x > 0 ? Math.log(a) - Math.log(b + x - 1) : 0;
    }
    const growthT = logGrowth[data.TAt[i]!]!;
    let value = perX - (r + x) * growthT;
    if (x > 0) value += softplus(logOdds + (r + x) * (growthT - logGrowth[data.txAt[i]!]!));
    total += data.count[i]! * value;
  }
  return total;
}

/** ln L(r, α, a, b | x, t_x, T) of one customer. */
export function bgNbdLogLikelihood(params: BgNbdParams, x: number, t_x: number, T: number): number {
  checkParams(params);
  checkCustomer(x, t_x, T, '');
  return finite(
    sumLogLikelihood(params, {
      x: Float64Array.of(x),
      txAt: Int32Array.of(0),
      TAt: Int32Array.of(1),
      count: Float64Array.of(1),
      times: Float64Array.of(t_x, T),
      total: 1,
    }),
    'the BG/NBD log-likelihood',
  );
}

/** The log-likelihood of all the customers, each distinct (x, t_x, T) evaluated once and weighted by its count. */
export function bgNbdTotalLogLikelihood(params: BgNbdParams, customers: readonly BgNbdCustomer[]): number {
  checkParams(params);
  return finite(sumLogLikelihood(params, compress(customers)), 'the BG/NBD log-likelihood');
}

/**
 * Maximum-likelihood BG/NBD parameters. Time is rescaled to the customers' mean T while fitting (so α starts near
 * its size whatever the unit); the search runs on the coordinates of `fromCoordinates`, from r = a = b = 1 and α = the
 * mean T, or from `options.start`.
 * Throws FIT_DID_NOT_CONVERGE when the likelihood keeps rising towards an edge (no maximum to report).
 */
export function fitBgNbd(customers: readonly BgNbdCustomer[], options: BgNbdFitOptions = {}): BgNbdFit {
  if (customers.length === 0) throw new ModelError('NO_CUSTOMERS', 'there are no customers to fit the BG/NBD model to');
  const data = compress(customers);
  if (data.total < BGNBD_MIN_CUSTOMERS) {
    throw new ModelError(
      'TOO_FEW_CUSTOMERS',
      `the BG/NBD model needs at least ${BGNBD_MIN_CUSTOMERS} customers to fit its four parameters, got ${data.total}`,
    );
  }
  if (data.x.every((x) => x === 0)) {
    throw new ModelError(
      'NO_REPEAT_PURCHASES',
      'no customer made a repeat purchase, so the BG/NBD model has nothing to learn purchase rates or drop-out from',
    );
  }
  const scale = data.TAt.reduce((sum, at, i) => sum + data.times[at]! * data.count[i]!, 0) / data.total;
  const scaled = { ...data, times: data.times.map((time) => time / scale) };
  if (options.start) checkParams(options.start);
  const start = options.start ? toCoordinates({ ...options.start, alpha: options.start.alpha / scale }) : [0, 0, 0, 0];
  const objective = (coordinates: readonly number[]) =>
    coordinates.some((value) => Math.abs(value) > WALL)
      ? Infinity
      : -sumLogLikelihood(fromCoordinates(coordinates), scaled) / data.total;
  const result = minimize(objective, start, {
    maxIterations: options.maxIterations,
    step: options.start ? WARM_STEP : COLD_STEP,
  });
  const fitted = fromCoordinates(result.x);
  const params = { ...fitted, alpha: fitted.alpha * scale };
  if (result.x.some((value) => Math.abs(value) > EDGE)) {
    const shown = Object.entries(params)
      .map(([name, value]) => `${name} = ${value.toPrecision(3)}`)
      .join(', ');
    throw new ModelError(
      'FIT_DID_NOT_CONVERGE',
      `the BG/NBD fit ran off to an edge (${shown}): these customers do not pin the model down, often because they all buy at one rate, all drop out alike, or none seems to drop out`,
    );
  }
  const logLikelihood = finite(sumLogLikelihood(params, data), 'the fitted BG/NBD log-likelihood');
  return { ...params, logLikelihood, converged: result.converged, iterations: result.iterations };
}

/**
 * The fit's coordinates are ln r, ln(r/α), ln(a/b) and ln b. The ways the likelihood can rise without a maximum each
 * move one of them alone (one purchase rate for all: r, α grow with r/α fixed; one drop-out probability for all: a, b
 * grow with a/b fixed; no drop-out: a shrinks), so the simplex runs off along an axis, fast, instead of up a ridge.
 */
function fromCoordinates([logR, logRate, logOdds, logB]: readonly number[]): BgNbdParams {
  return { r: Math.exp(logR!), alpha: Math.exp(logR! - logRate!), a: Math.exp(logOdds! + logB!), b: Math.exp(logB!) };
}

function toCoordinates({ r, alpha, a, b }: BgNbdParams): number[] {
  return [Math.log(r), Math.log(r / alpha), Math.log(a / b), Math.log(b)];
}

/** ln of the odds that a customer has dropped out: ln(a/(b+x-1) ((α+T)/(α+t_x))^(r+x)), for x > 0. */
function logDropOutOdds({ r, alpha, a, b }: BgNbdParams, x: number, t_x: number, T: number): number {
  return Math.log(a) - Math.log(b + x - 1) + (r + x) * Math.log1p((T - t_x) / (alpha + t_x));
}

/** P(alive | x, t_x, T) (Fader, Hardie & Lee 2008, "Computing P(alive) Using the BG/NBD Model"): 1 when x = 0. */
export function pAlive(params: BgNbdParams, x: number, t_x: number, T: number): number {
  checkParams(params);
  checkCustomer(x, t_x, T, '');
  if (x === 0) return 1;
  return finite(Math.exp(-softplus(logDropOutOdds(params, x, t_x, T))), 'P(alive)');
}

/**
 * Expected purchases in (T, T + t] of a customer still alive at T: equation 10 without its P(alive) divisor,
 * (a+b+x-1)/(a-1) [1 - (1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z)] with z = t/(α+T+t). At a = 1, and at a + b = 1 when
 * x = 0, this is 0/0 with a finite limit; the function is smooth in a, so there it is interpolated linearly between
 * a = s - 1e-5 and a = s + 1e-5 (an error of about 1e-10).
 */
function purchasesIfAlive(params: BgNbdParams, x: number, T: number, t: number): number {
  const { a, b } = params;
  const singular = [1, ...(x === 0 ? [1 - b] : [])].find((at) => Math.abs(a - at) < NEAR_SINGULAR);
  if (singular === undefined) return purchasesFormula(params, x, T, t);
  const below = purchasesFormula({ ...params, a: singular - NEAR_SINGULAR }, x, T, t);
  const above = purchasesFormula({ ...params, a: singular + NEAR_SINGULAR }, x, T, t);
  return below + ((above - below) * (a - singular + NEAR_SINGULAR)) / (2 * NEAR_SINGULAR);
}

/**
 * The bracket 1 - (1-z)^(r+x) F is summed as -expm1(...) minus a series whose terms all have one sign, so nothing
 * cancels inside it. When r < a + b, Euler's transformation (Abramowitz & Stegun 15.3.3) gives
 * (1-z)^(r+x) F = (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z), whose terms fall like n^-(x+r-a+2) z^n: few are needed
 * even for large x or z near one. Otherwise that series would alternate in sign (a+b-1-r <= -1), and the direct one,
 * all of whose terms have one sign, is summed instead. Both are kept as logarithms, so (1-z)^(r+x) F never overflows.
 */
function purchasesFormula({ r, alpha, a, b }: BgNbdParams, x: number, T: number, t: number): number {
  const logOneMinusZ = -Math.log1p(t / (alpha + T));
  const z = t / (alpha + T + t);
  const [power, tail] =
    r < a + b
      ? [a - 1, hyp2f1Tail(a + b - 1 - r, a - 1, a + b + x - 1, z)]
      : [r + x, hyp2f1Tail(r + x, b + x, a + b + x - 1, z)];
  const bracket = -Math.expm1(power * logOneMinusZ) - tail.sign * Math.exp(power * logOneMinusZ + tail.log);
  return ((a + b + x - 1) / (a - 1)) * bracket;
}

/** E[Y(t) | x, t_x, T]: expected purchases in (T, T + t] (equation 10; `lifetimes`' conditional_expected_number_of_purchases_up_to_time). */
export function expectedPurchases(params: BgNbdParams, x: number, t_x: number, T: number, t: number): number {
  checkParams(params);
  checkCustomer(x, t_x, T, '');
  requirePositive(t, 'the forecast horizon t');
  return finite(pAlive(params, x, t_x, T) * purchasesIfAlive(params, x, T, t), 'the expected number of purchases');
}

/** E[X(t)]: expected repeat purchases of a new customer in (0, t] (equation 9). */
export function expectedPurchasesNew(params: BgNbdParams, t: number): number {
  checkParams(params);
  requirePositive(t, 'the forecast horizon t');
  return finite(purchasesIfAlive(params, 0, 0, t), 'the expected number of purchases');
}
