// Log-gamma, rising factorials and 2F1 against values and identities worked by hand (factorials, Γ(1/2) = √π,
// duplication, reflection, closed forms of 2F1), and a clear error, never NaN, outside their domains.
import t from 'tap';
import { ModelError } from '../../src/clv/model-error.js';
import { hyp2f1, hyp2f1Tail, logBeta, logGamma, logRisingFactorial } from '../../src/clv/special-functions.js';

const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

t.test('log-gamma at known points', async (t) => {
  t.ok(relative(logGamma(0.5), 0.5 * Math.log(Math.PI)) < 1e-14, 'ln Γ(1/2) = ln √π');
  t.ok(relative(logGamma(1.5), Math.log(Math.sqrt(Math.PI) / 2)) < 1e-13, 'ln Γ(3/2) = ln(√π / 2)');
  t.ok(Math.abs(logGamma(1)) < 1e-14, 'ln Γ(1) = 0');
  t.ok(Math.abs(logGamma(2)) < 1e-14, 'ln Γ(2) = 0');
  t.ok(relative(logGamma(10), Math.log(362880)) < 1e-14, 'ln Γ(10) = ln 9!');
  let logFactorial = 0;
  for (let k = 2; k <= 170; k++) logFactorial += Math.log(k);
  t.ok(relative(logGamma(171), logFactorial) < 1e-14, 'ln Γ(171) = ln 170!, summed');
  t.ok(relative(logGamma(1e-10), -Math.log(1e-10) - 0.5772156649015329e-10) < 1e-14, 'near zero, ln Γ(x) = -ln x - γx');
});

t.test('log-gamma satisfies the duplication and reflection formulas, small x to huge x', async (t) => {
  for (const x of [0.01, 0.3, 1.7, 4.2, 9.99, 10.01, 123.4, 1e6, 1e12, 1e100]) {
    const duplicated = (2 * x - 1) * Math.LN2 - 0.5 * Math.log(Math.PI) + logGamma(x) + logGamma(x + 0.5);
    t.ok(
      relative(logGamma(2 * x), duplicated) < 1e-13,
      `ln Γ(2x) = (2x-1) ln 2 - ln √π + ln Γ(x) + ln Γ(x + 1/2) at x = ${x}`,
    );
  }
  for (const x of [0.01, 0.25, 0.7]) {
    t.ok(
      relative(logGamma(x) + logGamma(1 - x), Math.log(Math.PI / Math.sin(Math.PI * x))) < 1e-14,
      `Γ(x) Γ(1-x) = π / sin πx at x = ${x}`,
    );
  }
});

t.test('rising factorials and log-beta stay exact where two log-gammas would cancel', async (t) => {
  for (const b of [0.3, 7.5, 12.5, 1e8, 1e15]) {
    for (const n of [1, 3, 10]) {
      let sum = 0;
      for (let k = 0; k < n; k++) sum += Math.log(b + k);
      t.ok(relative(logRisingFactorial(b, n), sum) < 1e-13, `ln (${b})_${n} = ln b + ... + ln(b + ${n - 1})`);
    }
  }
  t.equal(logRisingFactorial(3, 0), 0);
  t.ok(
    relative(logRisingFactorial(2.5, 0.5), Math.log(2 / (0.75 * Math.sqrt(Math.PI)))) < 1e-14,
    'ln Γ(3) - ln Γ(5/2)',
  );
  t.ok(relative(logBeta(2, 3), Math.log(1 / 12)) < 1e-14, 'B(2, 3) = 1/12');
  t.ok(relative(logBeta(1e12, 2), -Math.log(1e12) - Math.log(1e12 + 1)) < 1e-14, 'B(b, 2) = 1/(b (b + 1)) at b = 1e12');
  t.throws(() => logRisingFactorial(0, 1), { code: 'INVALID_INPUT' });
  t.throws(() => logRisingFactorial(1, -1), { code: 'INVALID_INPUT' });
});

t.test('log-gamma refuses what is not above zero', async (t) => {
  for (const x of [0, -1, -0.5, NaN, Infinity]) {
    t.throws(() => logGamma(x), { name: 'ModelError', code: 'INVALID_INPUT' }, String(x));
  }
});

t.test('2F1 against closed forms', async (t) => {
  for (const z of [0.1, 0.5, 0.9, 0.999]) {
    t.ok(relative(hyp2f1(1, 1, 2, z), -Math.log1p(-z) / z) < 1e-12, `2F1(1, 1; 2; z) = -ln(1-z)/z at z = ${z}`);
  }
  for (const [a, b, z] of [
    [0.7, 2.3, 0.3],
    [0.7, 2.3, 0.95],
    [-0.5, 1.5, 0.8],
    [3.5, 0.2, 0.99],
  ] as const) {
    t.ok(
      relative(hyp2f1(a, b, b, z), (1 - z) ** -a) < 1e-13,
      `2F1(a, b; b; z) = (1-z)^-a at a = ${a}, b = ${b}, z = ${z}`,
    );
  }
  for (const s of [0.2, 0.6, 0.95]) {
    t.ok(
      relative(hyp2f1(0.5, 0.5, 1.5, s * s), Math.asin(s) / s) < 1e-13,
      `2F1(1/2, 1/2; 3/2; s²) = asin(s)/s at s = ${s}`,
    );
  }
  t.ok(
    relative(hyp2f1(-2, 3, 4, 0.6), 1 - 1.5 * 0.6 + 0.6 * 0.36) < 1e-15,
    'a negative whole a ends the series: a polynomial',
  );
  t.equal(hyp2f1(2.5, 1.5, 0.5, 0), 1, 'z = 0');
});

t.test('the series tail is kept as a logarithm, so a 2F1 beyond the largest double still has a value', async (t) => {
  const tail = hyp2f1Tail(2000, 1, 1, 0.5);
  t.equal(tail.sign, 1);
  t.ok(relative(tail.log, 2000 * Math.LN2) < 1e-13, '2F1(2000, 1; 1; 1/2) - 1 = 2^2000 - 1');
  t.throws(() => hyp2f1(2000, 1, 1, 0.5), { code: 'NOT_FINITE' }, 'while 2F1 itself overflows');
});

t.test('2F1 refuses z outside [0, 1) and c at a pole, and says so when z is too close to one', async (t) => {
  for (const [a, b, c, z] of [
    [1, 1, 2, 1],
    [1, 1, 2, -0.1],
    [1, 1, 0, 0.5],
    [1, 1, -2, 0.5],
    [NaN, 1, 2, 0.5],
  ] as const) {
    t.throws(() => hyp2f1(a, b, c, z), { code: 'INVALID_INPUT' }, `2F1(${a}, ${b}; ${c}; ${z})`);
  }
  const error = t.throws(() => hyp2f1(1, 1, 2, 1 - 1e-9)) as ModelError;
  t.equal(error.code, 'SERIES_DID_NOT_CONVERGE');
  t.match(error.message, /too close to one/);
  t.throws(
    () => hyp2f1(-60, 1, 1, 0.99),
    { code: 'LOST_PRECISION' },
    '(1 - z)^60 = 1e-120 from alternating terms near 1e17',
  );
});
