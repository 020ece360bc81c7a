// The served customer value model (what GET /customers/top-clv answers from, in the store worker): a read that changes
// nothing keeps the fit, a changed order or as-of day refits from the previous fit, and data that cannot be fitted is a
// 422 naming why. And the model's edge cases: a first purchase on the last day, repeat purchases worth nothing, ties.
import t from 'tap';
import { expectedPurchasesNew } from '../../src/clv/bgnbd.js';
import { expectedSpend } from '../../src/clv/gamma-gamma.js';
import { customerValues, fitClv, isFitted, rankByValue, type PurchaseSummary } from '../../src/clv/model.js';
import { dayOf, PurchaseDays } from '../../src/clv/purchase-days.js';
import { ServedClv } from '../../src/clv/served-model.js';
import { purchaseDaysOf, simulateOrders } from '../../src/clv/simulate.js';

const DAY = 86_400_000;
/** 1997-01-01 + 273 days: the simulation's last day. */
const LAST_DAY = 9862 + 273;

/** The store's side as ServedClv reads it: purchase days, the last event's time, last names. */
function source(purchases: PurchaseDays, names = new Map<string, string>()) {
  const state = { last: LAST_DAY * DAY + 3_600_000 };
  return {
    purchases,
    state: { timeframe: () => ({ last: state.last }), lastName: (id: string) => names.get(id) ?? null },
    at: state,
  };
}

const order = (customerId: string, day: number, cents: bigint) => ({
  at: day * DAY + 1000,
  isUpdate: false,
  amountCents: cents,
  customerId,
  lastName: null,
});

t.test('the fit is kept until an order or the as-of day changes, then refitted from the previous one', async (t) => {
  const purchases = purchaseDaysOf(simulateOrders({ customers: 2000, seed: 7 }));
  const names = new Map([['c1', 'Smith']]);
  const store = source(purchases, names);
  const served = new ServedClv(store);
  const first = served.top(5, 52);
  t.equal(first.model.fit, 'cold');
  t.equal(first.model.as_of_date, '1997-10-01');
  t.equal(first.customers.length, 5);
  const again = served.top(5, 52);
  t.equal(again.model.fit, 'kept', 'nothing changed: no refit');
  t.equal(again.model.fit_ms, 0);
  t.same(again.customers, first.customers);
  t.equal(served.top(5, 104).model.fit, 'kept', 'another horizon: the same fit');
  t.ok(
    served.top(5, 104).customers[0]!.expected_value > first.customers[0]!.expected_value,
    'a longer horizon, more value',
  );

  names.set(first.customers[0]!.customer_id, 'Jones');
  const renamed = served.top(5, 52);
  t.equal(renamed.model.fit, 'kept', 'a new last name is no new order');
  t.equal(renamed.customers[0]!.last_name, 'Jones');

  // An UPDATE that changes nothing the model reads (same customer, day and amount).
  const { customer_id: top } = first.customers[0]!;
  purchases.move(order(top, LAST_DAY - 1, 100n), order(top, LAST_DAY - 1, 100n));
  t.equal(served.top(5, 52).model.fit, 'kept', 'an order version that moves nothing');

  purchases.move(undefined, order('c2', LAST_DAY - 3, 2500n));
  const moved = served.top(5, 52);
  t.equal(moved.model.fit, 'warm', 'a new order: refitted from the previous fit');
  t.not(moved.model.bgnbd.r, first.model.bgnbd.r);
  t.ok(Math.abs(moved.model.bgnbd.r / first.model.bgnbd.r - 1) < 0.01, 'one order moves the fit a little');

  store.at.last += 2 * DAY;
  const later = served.top(5, 52);
  t.equal(later.model.fit, 'warm', 'a later event moves the as-of date, so every T: refitted');
  t.equal(later.model.as_of_date, '1997-10-03');
  t.equal(served.top(5, 52).model.fit, 'kept');
});

t.test('data that cannot be fitted is a 422 that says why', async (t) => {
  const empty = new ServedClv({
    purchases: new PurchaseDays(),
    state: { timeframe: () => undefined, lastName: () => null },
  });
  t.throws(() => empty.top(10, 52), { statusCode: 422, code: 'MODEL_NOT_FITTED', message: /NO_CUSTOMERS.*no events/ });

  const purchases = new PurchaseDays();
  const served = new ServedClv(source(purchases));
  t.throws(() => served.top(10, 52), { code: 'MODEL_NOT_FITTED', message: /NO_CUSTOMERS.*no customer has an order/ });
  for (let i = 0; i < 20; i++) purchases.move(undefined, order(`c${i}`, LAST_DAY - 10 - i, 1000n));
  t.throws(() => served.top(10, 52), {
    code: 'MODEL_NOT_FITTED',
    message: /\(NO_REPEAT_PURCHASES\): BG\/NBD: no customer made a repeat purchase/,
  });
  for (let i = 0; i < 5; i++) purchases.move(undefined, order(`c${i}`, LAST_DAY - 2, 1000n));
  t.throws(() => served.top(10, 52), {
    code: 'MODEL_NOT_FITTED',
    message: /\(FIT_DID_NOT_CONVERGE\): BG\/NBD: .*ran off to an edge/,
  });
  const one = new PurchaseDays();
  one.move(undefined, order('c1', LAST_DAY - 30, 1000n));
  one.move(undefined, order('c1', LAST_DAY - 3, 1000n));
  t.throws(() => new ServedClv(source(one)).top(10, 52), { message: /TOO_FEW_CUSTOMERS.*got 1/ });
});

t.test('the model at its edges', async (t) => {
  const summaries = purchaseDaysOf(simulateOrders({ customers: 1500, seed: 3 })).summaries(LAST_DAY);
  const extra: PurchaseSummary[] = [
    // A first purchase on the last day: watched for no time, so a new customer (and no help to the fit).
    { customerId: 'new', frequency: 0, recencyDays: 0, tDays: 0, repeatCents: 0n, monetaryValue: null },
    // Repeat purchases of 0.00 USD: outside the Gamma-Gamma model (it needs positive spend), not in its fit.
    { customerId: 'free', frequency: 2, recencyDays: 20, tDays: 40, repeatCents: 0n, monetaryValue: 0 },
    // Two customers alike: equal values, in customer_id order.
    { customerId: 'twin-b', frequency: 3, recencyDays: 30, tDays: 31, repeatCents: 9000n, monetaryValue: 30 },
    { customerId: 'twin-a', frequency: 3, recencyDays: 30, tDays: 31, repeatCents: 9000n, monetaryValue: 30 },
  ];
  const fit = fitClv([...summaries, ...extra]);
  t.ok(isFitted(fit), fit.reason ?? 'fitted');
  if (!isFitted(fit)) return;
  const alone = fitClv(summaries);
  t.equal(fit.customers, summaries.length + 4);
  t.equal(fit.gammaGammaCustomers, alone.gammaGammaCustomers + 2, 'the twins, not the 0.00 USD repeat customer');
  const values = customerValues(fit, extra, 52);
  const { p, q, v } = fit.gammaGamma;
  t.equal(values[0]!.pAlive, 1);
  t.equal(values[0]!.expectedPurchases, expectedPurchasesNew(fit.bgnbd, 52));
  t.equal(values[0]!.expectedSpend, expectedSpend(fit.gammaGamma, 0, 0), 'the population mean');
  t.ok(Math.abs(values[1]!.expectedSpend / ((v * p) / (p * 2 + q - 1)) - 1) < 1e-15, 'the weighted mean with m_x = 0');
  t.ok(values.every((value) => Number.isFinite(value.expectedValue) && value.expectedValue >= 0));
  const ranked = rankByValue(extra, values, 4).map((i) => extra[i]!.customerId);
  t.same(ranked.indexOf('twin-a') + 1, ranked.indexOf('twin-b'), 'equal values: customer_id order');
  t.equal(dayOf(-1), -1, 'a time before 1970 is on the day before it');
});
