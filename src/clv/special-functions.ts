// Log-gamma, rising factorials, log-beta and the Gauss hypergeometric 2F1, as the BG/NBD and Gamma-Gamma formulas
// need them. Pure arithmetic: never NaN or Infinity; what a series cannot reach is a thrown ModelError.
import { finite, ModelError, requireInput, requirePositive } from './model-error.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** B(2k) / (2k (2k - 1)) for k = 1 to 8: the coefficients of Stirling's series for log-gamma. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/** Where Stirling's series, cut after eight terms, is exact to the last bit (the next term is below 2e-18 at ten). */
const STIRLING_FROM = 10;

/** The small part of Stirling's series, ln Γ(y) - ((y - 1/2) ln y - y + ln √(2π)), for y >= ten. */
function stirlingCorrection(y: number): number {
  const inverseSquare = 1 / (y * y);
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inverseSquare + STIRLING[k]!;
  return series / y;
}

/**
 * ln Γ(x) for x > 0: Stirling's series from ten up, and ln Γ(x) = ln Γ(x + n) - ln(x (x + 1) ... (x + n - 1))
 * below that. About 1e-15 relative error, and 1e-14 absolute near the zeros at one and two.
 */
export function logGamma(x: number): number {
  requirePositive(x, 'the argument of log-gamma');
  let shifted = x;
  let product = 1;
  while (shifted < STIRLING_FROM) {
    product *= shifted;
    shifted += 1;
  }
  const value =
    (shifted - 0.5) * Math.log(shifted) - shifted + HALF_LOG_TWO_PI + stirlingCorrection(shifted) - Math.log(product);
  return finite(value, `log-gamma of ${x}`);
}

/**
 * ln Γ(b + x) - ln Γ(b), the log of the rising factorial (b)_x, for b > 0 and x >= 0. For b >= ten the two Stirling
 * series are differenced by hand, (b - 1/2) ln(1 + x/b) + x ln(b + x) - x + ..., so a large b (a fit running towards
 * an edge) does not leave the answer to the rounding of two log-gammas of 1e8 or more.
 */
export function logRisingFactorial(b: number, x: number): number {
  requirePositive(b, 'the base of a rising factorial');
  requireInput(x, Number.isFinite(x) && x >= 0, 'the length of a rising factorial', 'a finite number >= 0');
  if (x === 0) return 0;
  if (b < STIRLING_FROM) return finite(logGamma(b + x) - logGamma(b), `ln Γ(${b} + ${x}) - ln Γ(${b})`);
  const value =
    (b - 0.5) * Math.log1p(x / b) + x * Math.log(b + x) - x + stirlingCorrection(b + x) - stirlingCorrection(b);
  return finite(value, `ln Γ(${b} + ${x}) - ln Γ(${b})`);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) - ln Γ(a + b), as ln Γ of the smaller minus a rising factorial of the larger. */
export function logBeta(a: number, b: number): number {
  const [small, large] = a < b ? [a, b] : [b, a];
  return logGamma(small) - logRisingFactorial(large, small);
}

/** How many terms of a series are summed before 2F1 gives up on z being too close to one. */
export const MAX_SERIES_TERMS = 1_000_000;

/** 2F1(a, b; c; z) - 1 as its sign and the log of its size, so that neither it nor the terms summed overflow. */
export interface SeriesTail {
  sign: number;
  log: number;
  /** ln of the sum of the terms' sizes: far above `log` when terms of both signs cancelled. */
  logSize: number;
}

/** Sums are kept below 2^600 by moving powers of 2^600 into a separate logarithm. */
const RESCALE = 2 ** 600;
const LOG_RESCALE = 600 * Math.LN2;

/**
 * The terms after the first of Gauss's series, the sum over n >= 1 of (a)_n (b)_n / ((c)_n n!) z^n, for 0 <= z < 1 and
 * c not zero or a negative whole number. Once every factor a + m, b + m, c + m is positive, each later ratio of terms
 * z (a+m)(b+m)/((c+m)(m+1)) is at most q = z max(1, (a+m)/(c+m)) max(1, (b+m)/(m+1)) (each fraction is monotone in m),
 * so what is left is at most |term| q/(1 - q): summing stops when that is below the last bit of the terms' total size.
 * It throws SERIES_DID_NOT_CONVERGE rather than stop early when z is so close to one that this takes too many terms.
 */
export function hyp2f1Tail(a: number, b: number, c: number, z: number): SeriesTail {
  for (const [name, value] of [
    ['a', a],
    ['b', b],
    ['c', c],
  ] as const) {
    requireInput(value, Number.isFinite(value), `2F1's ${name}`, 'a finite number');
  }
  requireInput(c, !(c <= 0 && Number.isInteger(c)), "2F1's c", 'neither zero nor a negative whole number');
  requireInput(z, z >= 0 && z < 1, "2F1's z", 'at least 0 and below 1');
  const positiveFrom = Math.max(-a, -b, -c);
  let logScale = 0;
  let term = 1;
  let sum = 0;
  let size = 0;
  let settled = false;
  for (let n = 0; n < MAX_SERIES_TERMS && !settled; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    sum += term;
    size += Math.abs(term);
    settled = term === 0;
    if (size > RESCALE) {
      [term, sum, size, logScale] = [term / RESCALE, sum / RESCALE, size / RESCALE, logScale + LOG_RESCALE];
    }
    const m = n + 1;
    if (m <= positiveFrom) continue;
    const bound =
      z *
      Math.min(
        Math.max(1, (a + m) / (c + m)) * Math.max(1, (b + m) / (m + 1)),
        Math.max(1, (a + m) / (m + 1)) * Math.max(1, (b + m) / (c + m)),
      );
    settled ||= bound < 1 && (Math.abs(term) * bound) / (1 - bound) <= Number.EPSILON * size;
  }
  if (!settled) {
    throw new ModelError(
      'SERIES_DID_NOT_CONVERGE',
      `the hypergeometric series 2F1(${a}, ${b}; ${c}; ${z}) did not settle within ${MAX_SERIES_TERMS} terms: z is too close to one (in BG/NBD, the forecast horizon is too long for the time unit)`,
    );
  }
  return { sign: Math.sign(sum), log: Math.log(Math.abs(sum)) + logScale, logSize: Math.log(size) + logScale };
}

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1 and c not zero or a negative whole number, by its
 * series (see hyp2f1Tail). Throws NOT_FINITE when the value overflows, and when terms of both signs cancel so much
 * that fewer than eight digits of it would be right.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  const tail = hyp2f1Tail(a, b, c, z);
  const value = finite(1 + tail.sign * Math.exp(tail.log), `2F1(${a}, ${b}; ${c}; ${z})`);
  if (Math.abs(value) < 1e-8 * (1 + Math.exp(tail.logSize))) {
    throw new ModelError(
      'LOST_PRECISION',
      `2F1(${a}, ${b}; ${c}; ${z}) is lost to cancellation between terms of both signs`,
    );
  }
  return value;
}
