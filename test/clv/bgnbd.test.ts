// BG/NBD formulas by hand (Fader, Hardie & Lee 2005) and against integrals over the posterior, a fit against the
// parameters simulated customers were drawn with, and the errors degenerate data must give.
import t from 'tap';
import {
  bgNbdLogLikelihood,
  bgNbdTotalLogLikelihood,
  expectedPurchases,
  expectedPurchasesNew,
  fitBgNbd,
  pAlive,
} from '../../src/clv/bgnbd.js';
import { logGamma } from '../../src/clv/special-functions.js';
import { simulateBgNbd } from './simulate.js';

const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);
const simple = { r: 1, alpha: 2, a: 2, b: 3 };

t.test("the log-likelihood of one customer, by hand from the paper's L(r, α, a, b | x, t_x, T)", async (t) => {
  // x = 2, t_x = 3, T = 5: B(2, 5)/B(2, 3) = 0.4, Γ(3) 2 / 7³ = 4/343; B(3, 4)/B(2, 3) = 0.2, Γ(3) 2 / 5³ = 4/125.
  t.ok(relative(bgNbdLogLikelihood(simple, 2, 3, 5), Math.log(0.4 * (4 / 343) + 0.2 * (4 / 125))) < 1e-14);
  // x = 0: only the first term, (α / (α + T))^r = 2/7.
  t.ok(relative(bgNbdLogLikelihood(simple, 0, 0, 5), Math.log(2 / 7)) < 1e-14);
});

t.test('the total log-likelihood counts identical customers once, weighted', async (t) => {
  const total = bgNbdTotalLogLikelihood(simple, [
    { x: 2, t_x: 3, T: 5, count: 3 },
    { x: 0, t_x: 0, T: 5 },
    { x: 2, t_x: 3, T: 5 },
  ]);
  t.ok(relative(total, 4 * bgNbdLogLikelihood(simple, 2, 3, 5) + bgNbdLogLikelihood(simple, 0, 0, 5)) < 1e-14);
});

t.test('P(alive)', async (t) => {
  t.equal(pAlive(simple, 0, 0, 5), 1, 'a customer without repeat purchases has not dropped out');
  t.ok(
    relative(pAlive(simple, 2, 3, 5), 1 / (1 + (2 / 4) * (7 / 5) ** 3)) < 1e-14,
    '1 / (1 + a/(b+x-1) ((α+T)/(α+t_x))^(r+x))',
  );
  t.ok(
    pAlive(simple, 2, 1, 5) < pAlive(simple, 2, 4, 5),
    'a longer silence since the last purchase makes it less likely alive',
  );
});

t.test('expected purchases of a new customer', async (t) => {
  // r = b = 1, a = 2: 2F1(1, 1; 2; z) = -ln(1-z)/z turns equation 9 into 2 (1 - (α/t) ln(1 + t/α)).
  for (const horizon of [0.5, 10, 1000]) {
    const byHand = 2 * (1 - (2 / horizon) * Math.log1p(horizon / 2));
    t.ok(relative(expectedPurchasesNew({ r: 1, alpha: 2, a: 2, b: 1 }, horizon), byHand) < 1e-12, `t = ${horizon}`);
  }
  const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  for (const horizon of [1, 39, 520]) {
    t.ok(
      relative(expectedPurchases(cdnow, 0, 0, 1e-9, horizon), expectedPurchasesNew(cdnow, horizon)) < 1e-9,
      `x = t_x = 0 and T tiny is a new customer, t = ${horizon}`,
    );
  }
});

t.test(
  'the conditional expectation (equation 10) equals P(alive) times an integral over the posterior of p',
  async (t) => {
    // Alive at T, λ | data ~ Gamma(r + x, α + T) and p | data ~ Beta(a, b + x); E[purchases in t | λ, p] = (1 - e^(-λpt)) / p.
    // With a = 2, b + x = 7 the Beta density is 56 p (1 - p)^6, so the integrand 56 (1 - p)^6 (1 - ((α+T)/(α+T+pt))^(r+x)) is smooth.
    const params = { r: 0.7, alpha: 3, a: 2, b: 3 };
    const [x, t_x, T, horizon] = [4, 8, 12, 20];
    const integrand = (p: number) =>
      56 * (1 - p) ** 6 * (1 - ((params.alpha + T) / (params.alpha + T + p * horizon)) ** (params.r + x));
    const intervals = 2000;
    let simpson = integrand(0) + integrand(1);
    for (let i = 1; i < intervals; i++) simpson += (i % 2 === 1 ? 4 : 2) * integrand(i / intervals);
    const integral = simpson / (3 * intervals);
    t.ok(relative(expectedPurchases(params, x, t_x, T, horizon), pAlive(params, x, t_x, T) * integral) < 1e-10);
  },
);

t.test(
  'with r above a + b, where the transformed series would alternate, the direct one gives the same integral',
  async (t) => {
    // r = 150, α = 300: nearly the same purchase rate for everyone. With a = 1/2, p = u² makes the Beta(1/2, b + x)
    // integral smooth: E = P(alive) ∫ 2 (1 - u²)^(b+x-1) (1 - ((α+T)/(α+T+u²t))^(r+x)) / u² du / B(1/2, b + x).
    const params = { r: 150, alpha: 300, a: 0.5, b: 3 };
    const [x, t_x, T, horizon] = [20, 35, 40, 52];
    const c = params.alpha + T;
    const integrand = (u: number) => {
      const p = u * u;
      const perPurchase =
        p === 0 ? ((params.r + x) * horizon) / c : (1 - (c / (c + p * horizon)) ** (params.r + x)) / p;
      return 2 * (1 - p) ** (params.b + x - 1) * perPurchase;
    };
    const intervals = 4000;
    let simpson = integrand(0) + integrand(1);
    for (let i = 1; i < intervals; i++) simpson += (i % 2 === 1 ? 4 : 2) * integrand(i / intervals);
    const beta = Math.exp(logGamma(0.5) + logGamma(params.b + x) - logGamma(0.5 + params.b + x));
    const byIntegral = (pAlive(params, x, t_x, T) * simpson) / (3 * intervals) / beta;
    t.ok(
      relative(expectedPurchases(params, x, t_x, T, horizon), byIntegral) < 1e-9,
      `${expectedPurchases(params, x, t_x, T, horizon)} against ${byIntegral}`,
    );
    const edge = { r: 3.8, alpha: 5, a: 0.8, b: 3 };
    const [below, above] = [
      expectedPurchases({ ...edge, r: 3.8 - 1e-9 }, 4, 20, 30, 39),
      expectedPurchases({ ...edge, r: 3.8 + 1e-9 }, 4, 20, 30, 39),
    ];
    t.ok(relative(below, above) < 1e-8, `the two series meet at r = a + b: ${below}, ${above}`);
  },
);

t.test(
  'at a = 1, and at a + b = 1 for a new customer, where the formula is 0/0, the answer is finite and continuous',
  async (t) => {
    const near = (params: { r: number; alpha: number; a: number; b: number }, at: number, f: (a: number) => number) => {
      const value = f(at);
      const neighbours = (f(at - 1e-3) + f(at + 1e-3)) / 2;
      t.ok(
        Number.isFinite(value) && relative(value, neighbours) < 1e-5,
        `a = ${at}: ${value}, neighbours ${neighbours}`,
      );
    };
    const base = { r: 0.5, alpha: 2, a: 1, b: 3 };
    for (const at of [1, 1 + 2e-6, 1 - 7e-6]) {
      near(base, at, (a) => expectedPurchases({ ...base, a }, 2, 3, 5, 10));
      near(base, at, (a) => expectedPurchasesNew({ ...base, a }, 10));
    }
    near(base, 0.5, (a) => expectedPurchasesNew({ ...base, a, b: 0.5 }, 10));
  },
);

t.test('long horizons stay finite and rising, and one out of reach is a clear error', async (t) => {
  const cdnow = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
  for (const [x, t_x] of [
    [0, 0],
    [26, 30.86],
  ] as const) {
    let previous = 0;
    for (const horizon of [1, 10, 100, 1000, 10_000, 100_000]) {
      const value = expectedPurchases(cdnow, x, t_x, 31, horizon);
      t.ok(Number.isFinite(value) && value > previous, `x = ${x}, t = ${horizon}: ${value}`);
      previous = value;
    }
  }
  // For x = 0 the transformed series' terms fall only like n^-1.45 times z^n, and z is within 4e-11 of one.
  t.throws(() => expectedPurchases(cdnow, 0, 0, 31, 1e12), {
    code: 'SERIES_DID_NOT_CONVERGE',
    message: /horizon is too long/,
  });
});

t.test('inputs outside the model are refused, naming what is wrong', async (t) => {
  const cases: [() => unknown, RegExp][] = [
    [() => pAlive(simple, 1.5, 1, 2), /x \(repeat purchases\) must be a whole number >= 0/],
    [() => pAlive(simple, -1, 0, 2), /x \(repeat purchases\)/],
    [() => pAlive(simple, 1, 1, 0), /T \(time since the first purchase\) must be a finite number above zero/],
    [() => pAlive(simple, 1, 3, 2), /t_x \(time of the last purchase\) must be between 0 and T = 2/],
    [() => pAlive(simple, 0, 1, 2), /t_x must be 0 when x is 0/],
    [() => expectedPurchases(simple, 1, 1, 2, 0), /forecast horizon t must be a finite number above zero/],
    [() => expectedPurchasesNew({ ...simple, alpha: -1 }, 1), /parameter alpha must be a finite number above zero/],
    [() => bgNbdLogLikelihood({ ...simple, r: NaN }, 1, 1, 2), /parameter r/],
  ];
  for (const [call, message] of cases) t.throws(call, { name: 'ModelError', code: 'INVALID_INPUT', message });
});

t.test('a fit refuses data that cannot pin the model down', async (t) => {
  const alike = (count: number, customer: { x: number; t_x: number; T: number }) =>
    Array.from({ length: count }, () => customer);
  t.throws(() => fitBgNbd([]), { code: 'NO_CUSTOMERS' });
  t.throws(() => fitBgNbd(alike(5, { x: 1, t_x: 2, T: 3 })), {
    code: 'TOO_FEW_CUSTOMERS',
    message: /at least 10 customers/,
  });
  t.throws(() => fitBgNbd(alike(50, { x: 0, t_x: 0, T: 3 })), { code: 'NO_REPEAT_PURCHASES' });
  t.throws(() => fitBgNbd(alike(50, { x: 2, t_x: 5, T: 10 })), {
    code: 'FIT_DID_NOT_CONVERGE',
    message: /ran off to an edge/,
  });
  t.throws(() => fitBgNbd([...alike(20, { x: 1, t_x: 2, T: 3 }), { x: 1, t_x: 4, T: 3 }]), {
    code: 'INVALID_INPUT',
    message: /^customers\[20\]: t_x/,
  });
});

t.test('a fit recovers the parameters 20,000 simulated customers were drawn with', async (t) => {
  const truth = { r: 0.25, alpha: 4, a: 0.8, b: 2.5 };
  const customers = simulateBgNbd(truth, 20_000, 1);
  const fit = fitBgNbd(customers);
  t.ok(fit.converged, `converged in ${fit.iterations} iterations`);
  for (const name of ['r', 'alpha'] as const) {
    t.ok(relative(fit[name], truth[name]) < 0.05, `${name} = ${fit[name]} within 5 % of ${truth[name]}`);
  }
  for (const name of ['a', 'b'] as const) {
    t.ok(
      relative(fit[name], truth[name]) < 0.15,
      `${name} = ${fit[name]} within 15 % of ${truth[name]} (sampling error about 10 %)`,
    );
  }
  const gain = fit.logLikelihood - bgNbdTotalLogLikelihood(truth, customers);
  t.ok(
    gain >= 0 && 2 * gain < 18.47,
    `the maximum beats the truth by ${gain}, as a chi-square(4) / 2 would (99.9 % below 9.2)`,
  );
  t.ok(
    relative(fit.logLikelihood, bgNbdTotalLogLikelihood(fit, customers)) < 1e-12,
    'the reported log-likelihood is that of the reported parameters',
  );
});
