// A small deterministic minimiser: Nelder-Mead (Lagarias et al. 1998 coefficients) with restarts, for the
// model fits over log-scale coordinates. It never throws away a better point, and never calls a NaN a minimum.
import { ModelError } from './model-error.js';

export interface MinimizeOptions {
  /** The first simplex's edge in every coordinate (the fits work on log scales: 0.5 is a factor of about 1.65). */
  step?: number;
  /** The most Nelder-Mead iterations, over all restarts together. */
  maxIterations?: number;
  /** A run ends when every vertex is within this of the best one in every coordinate ... */
  xTolerance?: number;
  /** ... and the values across the simplex differ by at most this times (1 + |best value|). */
  fTolerance?: number;
  /** How many times a fresh simplex is built around the best point to check it is a minimum. */
  maxRestarts?: number;
}

export interface MinimizeResult {
  x: number[];
  value: number;
  iterations: number;
  evaluations: number;
  /** True when a restart from the best point, with a fresh simplex, improved it by at most fTolerance (1 + |value|). */
  converged: boolean;
}

const DEFAULTS: Required<MinimizeOptions> = {
  step: 0.5,
  maxIterations: 20_000,
  xTolerance: 1e-8,
  fTolerance: 1e-12,
  maxRestarts: 8,
};

interface Run {
  x: number[];
  value: number;
  iterations: number;
  settled: boolean;
}

/** Minimises `f` from `start`; a non-finite value of `f` counts as worse than any finite one. */
export function minimize(
  f: (x: readonly number[]) => number,
  start: readonly number[],
  options: MinimizeOptions = {},
): MinimizeResult {
  const settings = { ...DEFAULTS };
  for (const [key, value] of Object.entries(options)) {
    if (value !== undefined) Object.assign(settings, { [key]: value });
  }
  if (start.length === 0 || !start.every(Number.isFinite)) {
    throw new ModelError('INVALID_INPUT', 'the minimiser needs a starting point of finite numbers');
  }
  let evaluations = 0;
  const objective = (x: readonly number[]): number => {
    evaluations++;
    const value = f(x);
    return Number.isFinite(value) ? value : Infinity;
  };
  let best = { x: [...start], value: objective(start) };
  if (best.value === Infinity) {
    throw new ModelError('NOT_FINITE', 'the function to minimise is not finite at the starting point');
  }
  let iterations = 0;
  let converged = false;
  for (let restart = 0; restart <= settings.maxRestarts && iterations < settings.maxIterations; restart++) {
    const run = nelderMead(objective, best, settings, settings.maxIterations - iterations);
    iterations += run.iterations;
    const improvement = best.value - run.value;
    if (run.value <= best.value) best = { x: run.x, value: run.value };
    if (!run.settled) break;
    if (restart > 0 && improvement <= settings.fTolerance * (1 + Math.abs(best.value))) {
      converged = true;
      break;
    }
  }
  return { x: best.x, value: best.value, iterations, evaluations, converged };
}

/** One Nelder-Mead run from a fresh simplex around `start`: reflection 1, expansion 2, contraction and shrink 1/2. */
function nelderMead(
  f: (x: readonly number[]) => number,
  start: { x: number[]; value: number },
  settings: Required<MinimizeOptions>,
  budget: number,
): Run {
  const n = start.x.length;
  const points: number[][] = [start.x];
  const values: number[] = [start.value];
  for (let i = 0; i < n; i++) {
    const point = [...start.x];
    point[i]! += settings.step;
    points.push(point);
    values.push(f(point));
  }
  const along = (from: number[], to: number[], by: number) => from.map((value, i) => value + by * (to[i]! - value));
  for (let iteration = 0; iteration < budget; iteration++) {
    const order = values.map((_, i) => i).sort((i, j) => values[i]! - values[j]! || i - j);
    const sorted = order.map((i) => points[i]!);
    const sortedValues = order.map((i) => values[i]!);
    points.splice(0, points.length, ...sorted);
    values.splice(0, values.length, ...sortedValues);
    const best = points[0]!;
    const bestValue = values[0]!;
    const worst = points[n]!;
    const worstValue = values[n]!;
    const spread = points.reduce(
      (most, point) => Math.max(most, ...point.map((value, i) => Math.abs(value - best[i]!))),
      0,
    );
    if (spread <= settings.xTolerance && worstValue - bestValue <= settings.fTolerance * (1 + Math.abs(bestValue))) {
      return { x: best, value: bestValue, iterations: iteration, settled: true };
    }
    const centroid = best.map((_, i) => points.slice(0, n).reduce((sum, point) => sum + point[i]!, 0) / n);
    const reflected = along(centroid, worst, -1);
    const reflectedValue = f(reflected);
    if (reflectedValue < bestValue) {
      const expanded = along(centroid, worst, -2);
      const expandedValue = f(expanded);
      [points[n], values[n]] = expandedValue < reflectedValue ? [expanded, expandedValue] : [reflected, reflectedValue];
      continue;
    }
    if (reflectedValue < values[n - 1]!) {
      [points[n], values[n]] = [reflected, reflectedValue];
      continue;
    }
    const outside = reflectedValue < worstValue;
    const contracted = outside ? along(centroid, reflected, 0.5) : along(centroid, worst, 0.5);
    const contractedValue = f(contracted);
    if (contractedValue < (outside ? reflectedValue : worstValue)) {
      [points[n], values[n]] = [contracted, contractedValue];
      continue;
    }
    for (let i = 1; i <= n; i++) {
      points[i] = along(best, points[i]!, 0.5);
      values[i] = f(points[i]!);
    }
  }
  const at = values.indexOf(Math.min(...values));
  return { x: points[at]!, value: values[at]!, iterations: budget, settled: false };
}
