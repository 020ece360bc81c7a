// Log-gamma and the Gauss hypergeometric function 2F1, as the BG/NBD and Gamma-Gamma formulas need them.
// Pure arithmetic: never return NaN or Infinity; a value outside what a series can reach is a thrown ModelError.
import { finite, ModelError, requireInput, requirePositive } from './model-error.js';

const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** B(2k) / (2k (2k - 1)) for k = 1 to 8: the coefficients of Stirling's series for log-gamma. */
const STIRLING = [1 / 12, -1 / 360, 1 / 1260, -1 / 1680, 1 / 1188, -691 / 360360, 1 / 156, -3617 / 122400];

/** Where Stirling's series, cut after eight terms, is exact to the last bit (the next term is below 2e-18 at ten). */
const STIRLING_FROM = 10;

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
  const inverseSquare = 1 / (shifted * shifted);
  let series = 0;
  for (let k = STIRLING.length - 1; k >= 0; k--) series = series * inverseSquare + STIRLING[k]!;
  const value = (shifted - 0.5) * Math.log(shifted) - shifted + HALF_LOG_TWO_PI + series / shifted - Math.log(product);
  return finite(value, `log-gamma of ${x}`);
}

/** How many terms of a series are summed before 2F1 gives up on z being too close to one. */
export const MAX_SERIES_TERMS = 1_000_000;

/**
 * Gauss's series 1 + sum over n of (a)_n (b)_n / ((c)_n n!) z^n, for c - a - b >= 0 and 0 < z < 1. From term
 * `settled` on, every ratio of consecutive terms is at most z in size, so what is left is at most |term| z / (1 - z):
 * summing stops when that is below the last bit of the sum of the terms' sizes.
 */
function gaussSeries(a: number, b: number, c: number, z: number): number {
  const ratioBelowZ = Math.ceil((a * b - c) / (c + 1 - a - b));
  const settled = Math.max(0, Math.ceil(-a), Math.ceil(-b), Math.ceil(-c), ratioBelowZ) + 1;
  const tailFactor = z / (1 - z);
  let term = 1;
  let sum = 1;
  let size = 1;
  for (let n = 0; n < MAX_SERIES_TERMS; n++) {
    term *= (((a + n) * (b + n)) / ((c + n) * (n + 1))) * z;
    if (term === 0) return sum;
    sum += term;
    size += Math.abs(term);
    if (n + 1 >= settled && Math.abs(term) * tailFactor <= Number.EPSILON * size) return sum;
  }
  throw new ModelError(
    'SERIES_DID_NOT_CONVERGE',
    `the hypergeometric series 2F1(${a}, ${b}; ${c}; ${z}) did not settle within ${MAX_SERIES_TERMS} terms: z is too close to one (in BG/NBD, the forecast horizon is too long for the time unit)`,
  );
}

/**
 * The Gauss hypergeometric function 2F1(a, b; c; z) for 0 <= z < 1 and c not zero or a negative whole number.
 * When c - a - b < 0 the series grows like (1 - z)^(c - a - b) near z = 1, so Euler's transformation
 * 2F1(a, b; c; z) = (1 - z)^(c - a - b) 2F1(c - a, c - b; c; z) (Abramowitz & Stegun 15.3.3) is summed instead:
 * its series has c - a - b > 0 and converges even at z = 1, which keeps long horizons within reach.
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  for (const [name, value] of [['a', a], ['b', b], ['c', c]] as const) {
    requireInput(value, Number.isFinite(value), `2F1's ${name}`, 'a finite number');
  }
  requireInput(c, !(c <= 0 && Number.isInteger(c)), "2F1's c", 'neither zero nor a negative whole number');
  requireInput(z, z >= 0 && z < 1, "2F1's z", 'at least 0 and below 1');
  if (z === 0) return 1;
  const excess = c - a - b;
  const value = excess >= 0 ? gaussSeries(a, b, c, z) : Math.exp(excess * Math.log1p(-z)) * gaussSeries(c - a, c - b, c, z);
  return finite(value, `2F1(${a}, ${b}; ${c}; ${z})`);
}
