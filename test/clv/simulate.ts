// Test helper: customers drawn from a BG/NBD process with known parameters, from a seeded generator, so a fit
// can be checked to recover them. Deterministic: the same seed gives the same customers.
import type { BgNbdCustomer, BgNbdParams } from '../../src/clv/bgnbd.js';
import { gammaDraw, seededUniform } from '../../src/clv/simulate.js';

export { gammaDraw, seededUniform };

/**
 * `customers` summaries in weeks, measured in whole days as real data is: each first buys on a day in the first
 * `cohortDays`, is watched until day `endDay`, buys at a Gamma(r, alpha) rate and drops out after each repeat
 * purchase with a Beta(a, b) probability. Identical summaries are merged into one row with a count.
 */
export function simulateBgNbd(
  { r, alpha, a, b }: BgNbdParams,
  customers: number,
  seed: number,
  cohortDays = 84,
  endDay = 273,
): BgNbdCustomer[] {
  const uniform = seededUniform(seed);
  const rows = new Map<string, BgNbdCustomer>();
  for (let i = 0; i < customers; i++) {
    const lambda = gammaDraw(uniform, r) / alpha;
    const first = gammaDraw(uniform, a);
    const p = first / (first + gammaDraw(uniform, b));
    const T = endDay - Math.floor(uniform() * cohortDays);
    let time = 0;
    let x = 0;
    let last = 0;
    for (;;) {
      time += -Math.log(1 - uniform()) / lambda;
      if (time * 7 > T) break;
      x++;
      last = Math.min(T, Math.ceil(time * 7));
      if (uniform() < p) break;
    }
    const key = `${x} ${last} ${T}`;
    const row = rows.get(key);
    if (row) row.count! += 1;
    else rows.set(key, { x, t_x: last / 7, T: T / 7, count: 1 });
  }
  return [...rows.values()];
}
