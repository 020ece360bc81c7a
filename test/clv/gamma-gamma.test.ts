// Gamma-Gamma spend model: its density and expected spend by hand (Fader & Hardie 2013, Fader, Hardie & Lee 2005),
// a fit against the parameters simulated spends were drawn with, and the errors degenerate data must give.
import t from 'tap';
import { expectedSpend, fitGammaGamma, gammaGammaLogLikelihood } from '../../src/clv/gamma-gamma.js';
import { gammaDraw, seededUniform } from './simulate.js';

const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

t.test('the log-likelihood by hand: Γ(px+q)/(Γ(px)Γ(q)) v^q m^(px-1) x^(px) / (v + x m)^(px+q)', async (t) => {
  const params = { p: 1, q: 2, v: 3 };
  t.ok(
    relative(gammaGammaLogLikelihood(params, [{ x: 1, m_x: 2 }]), Math.log((2 * 9 * 1 * 1) / 125)) < 1e-14,
    'x = 1, m_x = 2: 18/125',
  );
  t.ok(
    relative(gammaGammaLogLikelihood(params, [{ x: 2, m_x: 2 }]), Math.log((6 * 9 * 2 * 4) / 7 ** 4)) < 1e-14,
    'x = 2, m_x = 2: 432/2401',
  );
  const both = gammaGammaLogLikelihood(params, [
    { x: 1, m_x: 2, count: 2 },
    { x: 2, m_x: 2 },
    { x: 0, m_x: 0 },
  ]);
  t.ok(
    relative(both, 2 * Math.log(18 / 125) + Math.log(432 / 2401)) < 1e-14,
    'counts weigh, and a customer with x = 0 is left out',
  );
});

t.test('expected spend by hand', async (t) => {
  const params = { p: 6.25, q: 3.74, v: 15.44 };
  const [x, m] = [2, 22.35];
  const byHand =
    ((params.q - 1) / (params.p * x + params.q - 1)) * ((params.v * params.p) / (params.q - 1)) +
    ((params.p * x) / (params.p * x + params.q - 1)) * m;
  t.ok(
    relative(expectedSpend(params, x, m), byHand) < 1e-14,
    `a weighted average of the population mean and m_x: ${byHand}`,
  );
  t.ok(
    relative(expectedSpend(params, 0, 0), (params.v * params.p) / (params.q - 1)) < 1e-14,
    'without repeat purchases, the population mean',
  );
  t.ok(
    expectedSpend(params, 50, m) < expectedSpend(params, 2, m) && expectedSpend(params, 50, m) > m,
    'more purchases pull it towards m_x',
  );
  t.throws(() => expectedSpend({ p: 1, q: 0.5, v: 1 }, 0, 0), {
    code: 'NOT_FINITE',
    message: /infinite when p x \+ q <= 1/,
  });
});

t.test('inputs outside the model are refused, naming what is wrong', async (t) => {
  const params = { p: 1, q: 2, v: 3 };
  t.throws(() => expectedSpend(params, 1, 0), {
    code: 'INVALID_INPUT',
    message: /m_x .* must be a finite number above zero/,
  });
  t.throws(() => expectedSpend(params, 1.5, 3), { code: 'INVALID_INPUT', message: /x \(repeat purchases\)/ });
  t.throws(() => expectedSpend({ ...params, v: 0 }, 1, 3), { code: 'INVALID_INPUT', message: /parameter v/ });
  t.throws(
    () =>
      gammaGammaLogLikelihood(params, [
        { x: 1, m_x: 2 },
        { x: 1, m_x: -2 },
      ]),
    { code: 'INVALID_INPUT', message: /^customers\[1\]: m_x/ },
  );
});

t.test('a fit refuses data that cannot pin the model down', async (t) => {
  t.throws(() => fitGammaGamma([]), { code: 'NO_CUSTOMERS' });
  t.throws(() => fitGammaGamma(Array.from({ length: 30 }, () => ({ x: 0, m_x: 0 }))), { code: 'NO_REPEAT_PURCHASES' });
  t.throws(
    () =>
      fitGammaGamma([
        { x: 1, m_x: 2 },
        { x: 3, m_x: 4, count: 8 },
      ]),
    { code: 'TOO_FEW_CUSTOMERS', message: /at least 10 customers with repeat purchases/ },
  );
  t.throws(() => fitGammaGamma(Array.from({ length: 30 }, (_, i) => ({ x: 1 + (i % 4), m_x: 10 }))), {
    code: 'FIT_DID_NOT_CONVERGE',
    message: /ran off to an edge/,
  });
});

t.test('a fit recovers the parameters 5,000 simulated customers were drawn with', async (t) => {
  // Each customer's spend rate ν ~ Gamma(q, v); each of x purchases is worth Gamma(p, ν); m_x is their mean.
  const truth = { p: 6, q: 4, v: 15 };
  const uniform = seededUniform(3);
  const customers = Array.from({ length: 5000 }, () => {
    const nu = gammaDraw(uniform, truth.q) / truth.v;
    const x = 1 + Math.floor(uniform() * 10);
    let total = 0;
    for (let i = 0; i < x; i++) total += gammaDraw(uniform, truth.p) / nu;
    return { x, m_x: total / x };
  });
  const fit = fitGammaGamma(customers);
  t.ok(fit.converged, `converged in ${fit.iterations} iterations`);
  for (const name of ['p', 'q', 'v'] as const) {
    t.ok(relative(fit[name], truth[name]) < 0.1, `${name} = ${fit[name]} within 10 % of ${truth[name]}`);
  }
  const gain = fit.logLikelihood - gammaGammaLogLikelihood(truth, customers);
  t.ok(
    gain >= 0 && 2 * gain < 16.27,
    `the maximum beats the truth by ${gain}, as a chi-square(3) / 2 would (99.9 % below 8.1)`,
  );
});
