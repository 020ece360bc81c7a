// Gamma-Gamma spend model (Fader, Hardie & Lee 2005, "RFM and CLV", Journal of Marketing Research 42(4); Fader &
// Hardie 2013, "The Gamma-Gamma Model of Monetary Value"): fit and expected spend. No I/O, no NaN.
import { finite, ModelError, requireInput, requirePositive } from './model-error.js';
import { minimize } from './optimize.js';
import { logBeta } from './special-functions.js';

export interface GammaGammaParams {
  p: number;
  q: number;
  v: number;
}

/** x repeat purchases whose values average m_x. */
export interface GammaGammaCustomer {
  x: number;
  m_x: number;
  /** How many customers share these two numbers (1 if left out). */
  count?: number;
}

export interface GammaGammaFit extends GammaGammaParams {
  logLikelihood: number;
  /** Whether the minimiser confirmed the maximum (see optimize.ts); false when `maxIterations` ran out first. */
  converged: boolean;
  /** Nelder-Mead iterations, over all its restarts. */
  iterations: number;
}

export interface GammaGammaFitOptions {
  /** Warm start: the previous fit's parameters. */
  start?: GammaGammaParams;
  maxIterations?: number;
}

/** Fewer customers with repeat purchases than this cannot pin down three parameters. */
export const GAMMA_GAMMA_MIN_CUSTOMERS = 10;

/** A fitted coordinate (see `fromCoordinates`) beyond this size (e^18, about 7e7) has run off to an edge ... */
const EDGE = 18;
/** ... and beyond this one the likelihood is not even evaluated, so the simplex stops there instead of wandering on. */
const WALL = 2 * EDGE;

/** The first simplex step in the fit's coordinates: a factor of about 1.65 from the default start, 1.1 from a warm one. */
const COLD_STEP = 0.5;
const WARM_STEP = 0.1;

interface Pairs {
  x: number[];
  m_x: number[];
  count: number[];
  total: number;
}

function checkParams({ p, q, v }: GammaGammaParams): void {
  for (const [name, value] of Object.entries({ p, q, v })) requirePositive(value, `the Gamma-Gamma parameter ${name}`);
}

function checkCustomer(x: number, m_x: number, who: string): void {
  requireInput(x, Number.isInteger(x) && x >= 0, `${who}x (repeat purchases)`, 'a whole number >= 0');
  if (x > 0) requirePositive(m_x, `${who}m_x (mean repeat purchase value; the model needs positive spend)`);
  else requireInput(m_x, Number.isFinite(m_x), `${who}m_x`, 'a finite number');
}

/** Distinct (x, m_x) of the customers with x > 0, in rising x, with their counts. */
function compress(customers: readonly GammaGammaCustomer[]): Pairs {
  const at = new Map<string, number>();
  const rows: { x: number; m_x: number; count: number }[] = [];
  customers.forEach(({ x, m_x, count = 1 }, index) => {
    checkCustomer(x, m_x, `customers[${index}]: `);
    requirePositive(count, `customers[${index}]: count`);
    if (x === 0) return;
    const key = `${x} ${m_x}`;
    const row = at.get(key);
    if (row === undefined) {
      at.set(key, rows.length);
      rows.push({ x, m_x, count });
    } else rows[row]!.count += count;
  });
  rows.sort((one, other) => one.x - other.x);
  return {
    x: rows.map((row) => row.x),
    m_x: rows.map((row) => row.m_x),
    count: rows.map((row) => row.count),
    total: rows.reduce((sum, row) => sum + row.count, 0),
  };
}

/**
 * Sum of count times ln f(m_x | p, q, v, x), the density of the mean of x purchase values (Fader & Hardie 2013):
 * f = Γ(px+q)/(Γ(px) Γ(q)) v^q m_x^(px-1) x^(px) / (v + x m_x)^(px+q), in logs as
 * -ln B(px, q) - q ln(1 + x m_x/v) - px ln(1 + v/(x m_x)) - ln m_x, which stays exact as p or q grow large (a fit
 * running to an edge). ln B(px, q) is computed once per distinct x.
 */
function sumLogLikelihood({ p, q, v }: GammaGammaParams, data: Pairs): number {
  let total = 0;
  let lastX = -1;
  let perX = 0;
  for (let i = 0; i < data.x.length; i++) {
    const x = data.x[i]!;
    const m = data.m_x[i]!;
    if (x !== lastX) {
      lastX = x;
      perX = -logBeta(p * x, q);
    }
    total += data.count[i]! * (perX - q * Math.log1p((x * m) / v) - p * x * Math.log1p(v / (x * m)) - Math.log(m));
  }
  return total;
}

/** The Gamma-Gamma log-likelihood of the customers with x > 0 (those with x = 0 carry no spend and are left out). */
export function gammaGammaLogLikelihood(params: GammaGammaParams, customers: readonly GammaGammaCustomer[]): number {
  checkParams(params);
  return finite(sumLogLikelihood(params, compress(customers)), 'the Gamma-Gamma log-likelihood');
}

/**
 * Maximum-likelihood Gamma-Gamma parameters from the customers with x > 0. Money is rescaled to their mean m_x while
 * fitting; the search runs on the coordinates of `fromCoordinates`, from p = q = 1 and v = the mean m_x, or from
 * `options.start`.
 * Throws FIT_DID_NOT_CONVERGE when the likelihood keeps rising towards an edge (no maximum to report).
 */
export function fitGammaGamma(
  customers: readonly GammaGammaCustomer[],
  options: GammaGammaFitOptions = {},
): GammaGammaFit {
  if (customers.length === 0) {
    throw new ModelError('NO_CUSTOMERS', 'there are no customers to fit the Gamma-Gamma model to');
  }
  const data = compress(customers);
  if (data.total === 0) {
    throw new ModelError(
      'NO_REPEAT_PURCHASES',
      'no customer made a repeat purchase, so there is no repeat spend to fit the Gamma-Gamma model to',
    );
  }
  if (data.total < GAMMA_GAMMA_MIN_CUSTOMERS) {
    throw new ModelError(
      'TOO_FEW_CUSTOMERS',
      `the Gamma-Gamma model needs at least ${GAMMA_GAMMA_MIN_CUSTOMERS} customers with repeat purchases to fit its three parameters, got ${data.total}`,
    );
  }
  const scale = data.m_x.reduce((sum, m, i) => sum + m * data.count[i]!, 0) / data.total;
  const scaled = { ...data, m_x: data.m_x.map((m) => m / scale) };
  if (options.start) checkParams(options.start);
  const start = options.start ? toCoordinates({ ...options.start, v: options.start.v / scale }) : [0, 0, 0];
  const objective = (coordinates: readonly number[]) =>
    coordinates.some((value) => Math.abs(value) > WALL)
      ? Infinity
      : -sumLogLikelihood(fromCoordinates(coordinates), scaled) / data.total;
  const result = minimize(objective, start, {
    maxIterations: options.maxIterations,
    step: options.start ? WARM_STEP : COLD_STEP,
  });
  const fitted = fromCoordinates(result.x);
  const params = { ...fitted, v: fitted.v * scale };
  if (result.x.some((value) => Math.abs(value) > EDGE)) {
    const shown = Object.entries(params)
      .map(([name, value]) => `${name} = ${value.toPrecision(3)}`)
      .join(', ');
    throw new ModelError(
      'FIT_DID_NOT_CONVERGE',
      `the Gamma-Gamma fit ran off to an edge (${shown}): these customers do not pin the model down, often because every customer spends about the same on average, or each one's purchases are all of about one value`,
    );
  }
  const logLikelihood = finite(sumLogLikelihood(params, data), 'the fitted Gamma-Gamma log-likelihood');
  return { ...params, logLikelihood, converged: result.converged, iterations: result.iterations };
}

/**
 * The fit's coordinates are ln p, ln q and ln(pv/q) (about ln of the mean spend). The ways the likelihood can rise
 * without a maximum each move one of them alone (p grows with pv fixed: a customer's purchases all alike; q and v grow
 * with v/q fixed: every customer's mean alike), so the simplex runs off along an axis instead of up a ridge.
 */
function fromCoordinates([logP, logQ, logMean]: readonly number[]): GammaGammaParams {
  return { p: Math.exp(logP!), q: Math.exp(logQ!), v: Math.exp(logMean! + logQ! - logP!) };
}

function toCoordinates({ p, q, v }: GammaGammaParams): number[] {
  return [Math.log(p), Math.log(q), Math.log((p * v) / q)];
}

/**
 * E(M | p, q, v, m_x, x): the expected mean value of a customer's purchases (Fader & Hardie 2013, equation 5),
 * (q - 1)/(px + q - 1) (vp/(q - 1)) + px/(px + q - 1) m_x, computed as (v + x m_x) p / (px + q - 1). With x = 0 it is
 * the population mean vp/(q - 1). Throws NOT_FINITE when px + q <= 1, where the expectation is infinite.
 */
export function expectedSpend(params: GammaGammaParams, x: number, m_x: number): number {
  checkParams(params);
  checkCustomer(x, m_x, '');
  const { p, q, v } = params;
  const denominator = p * x + q - 1;
  if (!(denominator > 0)) {
    throw new ModelError(
      'NOT_FINITE',
      `the expected spend is infinite when p x + q <= 1 (p = ${p}, q = ${q}, x = ${x})`,
    );
  }
  return finite(((v + x * m_x) * p) / denominator, 'the expected spend');
}
