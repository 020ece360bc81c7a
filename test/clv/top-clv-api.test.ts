// GET /customers/top-clv as a client sees it: after the CDNOW sample is ingested through POST /events, the ranking
// and values of an independent computation (src/clv/* straight on test/clv/cdnow.ts's summaries, T to the data's
// last day); every acknowledged event reflected; bad parameters a 400; data that cannot be fitted a 422 saying why.
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { expectedPurchases, fitBgNbd, pAlive } from '../../src/clv/bgnbd.js';
import { expectedSpend, fitGammaGamma } from '../../src/clv/gamma-gamma.js';
import { cdnowEvents, CDNOW_PATH } from '../../src/samples/cdnow.js';
import { sharedRun } from '../helpers/warehouse.js';
import { loadCdnow } from './cdnow.js';

const appFor = await sharedRun(t, [{}]);
const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

/** The top 100 by expected value over 52 weeks, computed with the maths alone from the loader's summaries. */
function independentTop() {
  const customers = loadCdnow(CDNOW_PATH, '1998-06-30');
  const bgnbd = fitBgNbd(customers);
  const gammaGamma = fitGammaGamma(customers.map(({ x, monetary }) => ({ x, m_x: monetary })));
  return customers
    .map(({ id, x, t_x, T, monetary }) => {
      const purchases = expectedPurchases(bgnbd, x, t_x, T, 52);
      return {
        customer_id: String(id),
        frequency: x,
        recency_weeks: t_x,
        t_weeks: T,
        monetary_value: x > 0 ? monetary : null,
        p_alive: pAlive(bgnbd, x, t_x, T),
        expected_purchases: purchases,
        expected_value: purchases * expectedSpend(gammaGamma, x, monetary),
      };
    })
    .sort((a, b) => b.expected_value - a.expected_value)
    .slice(0, 100);
}

t.test('after the CDNOW sample is ingested: the ranking and values of the maths alone', async (t) => {
  const { app } = await appFor(t);
  const events = cdnowEvents(await readFile(CDNOW_PATH, 'utf8'));
  const posted = await app.inject({ method: 'POST', url: '/events', payload: events });
  t.equal(posted.statusCode, 200, posted.body);
  t.match(posted.json(), { accepted: 6919, duplicates: 0, rejected: [] });

  const response = await app.inject({ method: 'GET', url: '/customers/top-clv?limit=100&horizon_weeks=52' });
  t.equal(response.statusCode, 200, response.body);
  const served = response.json();
  const expected = independentTop();
  t.equal(served.length, 100);
  t.same(
    served.map((row: { customer_id: string }) => row.customer_id),
    expected.map((row) => row.customer_id),
    'the same customers in the same order',
  );
  let worst = 0;
  served.forEach((row: Record<string, number | string | null>, i: number) => {
    const independent = expected[i]!;
    t.same(Object.keys(row), [
      'customer_id',
      'last_name',
      'frequency',
      'recency_weeks',
      't_weeks',
      'monetary_value',
      'p_alive',
      'expected_purchases',
      'expected_value',
    ]);
    t.equal(row.last_name, null);
    t.equal(row.frequency, independent.frequency);
    for (const name of ['recency_weeks', 't_weeks', 'monetary_value'] as const) {
      if (Math.abs((row[name] as number) - independent[name]!) > 1e-9) t.fail(`${row.customer_id} ${name}`);
    }
    for (const name of ['p_alive', 'expected_purchases', 'expected_value'] as const) {
      worst = Math.max(worst, relative(row[name] as number, independent[name]));
    }
  });
  t.ok(worst < 0.01, `values within 1 % (at most ${worst})`);

  const defaults = (await app.inject({ method: 'GET', url: '/customers/top-clv' })).json();
  t.same(defaults, served.slice(0, 10), 'limit 10 and 52 weeks by default');
  const longer = (await app.inject({ method: 'GET', url: '/customers/top-clv?limit=1&horizon_weeks=520' })).json();
  t.ok(longer[0].expected_value > served[0].expected_value, 'ten years are worth more than one');

  // One more order, by the top customer on the data's last day: the next answer has it.
  const top = served[0];
  const more = await app.inject({
    method: 'POST',
    url: '/events',
    payload: {
      type: 'ORDER',
      verb: 'NEW',
      key: 'one-more',
      event_time: '1998-06-30T18:00:00Z',
      customer_id: top.customer_id,
      total_amount: '10.00 USD',
    },
  });
  t.equal(more.json().accepted, 1);
  const after = (await app.inject({ method: 'GET', url: '/customers/top-clv?limit=1000' })).json();
  const again = after.find((row: { customer_id: string }) => row.customer_id === top.customer_id);
  t.equal(again.frequency, top.frequency + 1, 'a new purchase day counts at once');
  t.equal(again.recency_weeks, again.t_weeks, 'its last purchase is on the as-of date');
});

t.test('bad parameters are a 400 that says what they must be', async (t) => {
  const { app } = await appFor(t);
  for (const limit of ['0', '1001', 'abc', '-1', '1.5', '1e2', '']) {
    const response = await app.inject({ method: 'GET', url: `/customers/top-clv?limit=${limit}` });
    t.equal(response.statusCode, 400, `limit=${limit}`);
    t.match(response.json(), { code: 'INVALID_LIMIT', message: /limit must be a whole number from 1 to 1000, not "/ });
  }
  for (const query of ['limit=1&limit=2', `limit=${'9'.repeat(5000)}`, 'limit=%F0%9F%92%A9']) {
    const response = await app.inject({ method: 'GET', url: `/customers/top-clv?${query}` });
    t.equal(response.statusCode, 400, query.slice(0, 40));
    t.match(response.json(), { code: /^INVALID_(LIMIT|REQUEST)$/ });
  }
  for (const horizon of ['0', '521', 'abc', '2.5', '-3', '52.0']) {
    const response = await app.inject({ method: 'GET', url: `/customers/top-clv?horizon_weeks=${horizon}` });
    t.equal(response.statusCode, 400, `horizon_weeks=${horizon}`);
    t.match(response.json(), {
      code: 'INVALID_HORIZON',
      message: /horizon_weeks must be a whole number of weeks from 1 to 520, not "/,
    });
  }
});

t.test('data that cannot be fitted: a 422 naming the reason, never a silent answer', async (t) => {
  const { app } = await appFor(t);
  const empty = await app.inject({ method: 'GET', url: '/customers/top-clv' });
  t.equal(empty.statusCode, 422);
  t.match(empty.json(), { code: 'MODEL_NOT_FITTED', message: /NO_CUSTOMERS/ });
  const orders = ['1', '2', '3'].flatMap((customer) =>
    ['2017-01-02', '2017-02-02'].map((day) => ({
      type: 'ORDER',
      verb: 'NEW',
      key: `${customer}-${day}`,
      event_time: `${day}T10:00:00Z`,
      customer_id: customer,
      total_amount: '10.00 USD',
    })),
  );
  t.equal((await app.inject({ method: 'POST', url: '/events', payload: orders })).statusCode, 200);
  const few = await app.inject({ method: 'GET', url: '/customers/top-clv' });
  t.equal(few.statusCode, 422);
  t.match(few.json(), {
    code: 'MODEL_NOT_FITTED',
    message: /the customer value model is not fitted \(TOO_FEW_CUSTOMERS\): BG\/NBD: .*at least 10 customers.*got 3/,
  });
  t.match(
    (await app.inject({ method: 'GET', url: '/customers/top-ltv' })).json(),
    [{ revenue: 20 }],
    'top-ltv still answers',
  );
});
