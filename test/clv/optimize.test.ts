// The minimiser on Rosenbrock's valley and on simple bowls: it finds the minimum, says whether it converged,
// gives the same answer every time, and treats NaN as worse than any number.
import t from 'tap';
import { minimize } from '../../src/clv/optimize.js';

const rosenbrock = ([x, y]: readonly number[]) => 100 * (y! - x! ** 2) ** 2 + (1 - x!) ** 2;

t.test("Rosenbrock's valley from (-1.2, 1)", async (t) => {
  const result = minimize(rosenbrock, [-1.2, 1]);
  t.ok(result.converged, 'converged');
  t.ok(Math.abs(result.x[0]! - 1) < 1e-7 && Math.abs(result.x[1]! - 1) < 1e-7, `argmin (1, 1), got ${result.x}`);
  t.ok(result.value < 1e-14, `minimum 0, got ${result.value}`);
  t.ok(result.iterations > 0 && result.evaluations > result.iterations, 'counts its work');
  t.same(minimize(rosenbrock, [-1.2, 1]), result, 'deterministic');
});

t.test('a four-dimensional bowl with its minimum off the origin', async (t) => {
  const centre = [1, -2, 3, 0.5];
  const result = minimize(
    (x) => x.reduce((sum, value, i) => sum + (i + 1) * (value - centre[i]!) ** 2, 0) + 7,
    [0, 0, 0, 0],
  );
  t.ok(result.converged);
  t.ok(
    result.x.every((value, i) => Math.abs(value - centre[i]!) < 1e-7),
    `argmin ${centre}, got ${result.x}`,
  );
  t.ok(Math.abs(result.value - 7) < 1e-12);
});

t.test('NaN and Infinity count as worse than any number', async (t) => {
  const result = minimize(([x]) => (x! < 0 ? NaN : x! > 10 ? Infinity : (x! - 2) ** 2), [0.5]);
  t.ok(result.converged);
  t.ok(Math.abs(result.x[0]! - 2) < 1e-7);
});

t.test('a budget too small to converge says so', async (t) => {
  const result = minimize(rosenbrock, [-1.2, 1], { maxIterations: 5 });
  t.equal(result.converged, false);
  t.ok(result.iterations <= 5);
  t.ok(result.value <= rosenbrock([-1.2, 1]), 'never worse than the start');
});

t.test('a start where the function is not finite, or no start at all, is an error', async (t) => {
  t.throws(() => minimize(() => NaN, [1]), { code: 'NOT_FINITE' });
  t.throws(() => minimize(rosenbrock, []), { code: 'INVALID_INPUT' });
  t.throws(() => minimize(rosenbrock, [NaN, 1]), { code: 'INVALID_INPUT' });
});
