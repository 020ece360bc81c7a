// The lifetime value rules of ltv-events.md as the SQL in sql/ltv computes them, one fixture per rule,
// through the CLI's own path (an event file, computed in memory).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t, { type Test } from 'tap';
import type { CustomerLtv } from '../../src/ltv/customer-ltv.js';
import { topLtvFromFile } from '../../src/ltv/top-ltv.js';
import { folderOf } from '../helpers/warehouse.js';
import { SEED_EVENTS, customer, eventFile, image, order, visit } from './fixtures.js';

async function ltvOf(t: Test, events: unknown[]): Promise<Map<string, CustomerLtv>> {
  const { customers } = await topLtvFromFile(await eventFile(t, events), 1000, 'sql');
  return new Map(customers.map((row) => [row.customer_id, row]));
}

t.test('the sample of ltv-events.md: one order of 12.34 USD and one visit in one week', async (t) => {
  const ltv = await ltvOf(t, SEED_EVENTS);
  t.same(
    [...ltv.values()],
    [
      {
        customer_id: '96f55c7d8f42',
        last_name: 'Smith',
        ltv: 6416.8,
        revenue: 12.34,
        visits: 1,
        revenue_per_visit: 12.34,
        visits_per_week: 1,
      },
    ],
  );
});

t.test("an order's latest version counts, whatever the order of arrival", async (t) => {
  const ltv = await ltvOf(t, [
    order('o1', 'c1', '2017-01-04T10:00:00Z', '30.00 USD', 'UPDATE'), // arrives before its NEW
    order('o1', 'c1', '2017-01-03T10:00:00Z', '10.00 USD'),
    order('o2', 'c1', '2017-01-03T10:00:00Z', '5.00 USD'),
    order('o2', 'c1', '2017-01-02T10:00:00Z', '99.00 USD', 'UPDATE'), // older than its NEW: stale, loses
  ]);
  t.equal(ltv.get('c1')?.revenue, 35);
});

t.test('an UPDATE at the same instant as its NEW wins', async (t) => {
  const ltv = await ltvOf(t, [
    order('o1', 'c1', '2017-01-03T10:00:00Z', '20.00 USD', 'UPDATE'),
    order('o1', 'c1', '2017-01-03T10:00:00Z', '10.00 USD'),
  ]);
  t.equal(ltv.get('c1')?.revenue, 20);
});

t.test('a resent event counts once', async (t) => {
  const events = [visit('v1', 'c1', '2017-01-03T10:00:00Z'), order('o1', 'c1', '2017-01-03T10:00:00Z', '10.00 USD')];
  const ltv = await ltvOf(t, [...events, ...events, ...events]);
  t.match(ltv.get('c1'), { visits: 1, revenue: 10 });
});

t.test('a page visited four times by one customer is four visits', async (t) => {
  const ltv = await ltvOf(t, [
    visit('ac05e815502f', 'c1', '2017-01-03T10:00:00Z'),
    visit('ac05e815502f', 'c1', '2017-01-03T11:00:00Z'),
    visit('ac05e815502f', 'c1', '2017-01-04T10:00:00Z'),
    visit('ac05e815502f', 'c1', '2017-01-05T10:00:00Z'),
    order('o1', 'c1', '2017-01-05T10:00:00Z', '10.00 USD'),
  ]);
  t.match(ltv.get('c1'), { visits: 4, revenue_per_visit: 2.5, visits_per_week: 4 });
});

t.test('one page visited by several customers is a visit for each of them', async (t) => {
  const ltv = await ltvOf(t, [
    visit('ac05e815502f', 'c1', '2017-01-03T10:00:00Z'),
    visit('ac05e815502f', 'c2', '2017-01-03T10:00:00Z'), // the same instant, another customer
    visit('ac05e815502f', 'c3', '2017-01-04T10:00:00Z'),
  ]);
  t.same(
    [...ltv.values()].map((row) => [row.customer_id, row.visits]),
    [
      ['c1', 1],
      ['c2', 1],
      ['c3', 1],
    ],
  );
});

t.test('a resent visit counts once: the identical event, or the same visit with its fields reordered', async (t) => {
  const sent = visit('ac05e815502f', 'c1', '2017-01-03T10:00:00.000Z');
  const reordered = Object.fromEntries(Object.entries(sent).reverse());
  const sameInstant = { ...sent, event_time: '2017-01-03T10:00:00Z', tags: [] };
  const ltv = await ltvOf(t, [sent, sent, reordered, sameInstant, visit('ac05e815502f', 'c1', '2017-01-03T10:00:01Z')]);
  t.equal(ltv.get('c1')?.visits, 2, 'one customer, page and time is one visit; a second later is another');
});

t.test('orders and customers keep their versions: a second NEW of an order id replaces the first', async (t) => {
  const ltv = await ltvOf(t, [
    order('o1', 'c1', '2017-01-03T10:00:00Z', '10.00 USD'),
    order('o1', 'c1', '2017-01-04T10:00:00Z', '15.00 USD'),
    customer('c1', '2017-01-03T10:00:00Z', { last_name: 'Smith' }),
    customer('c1', '2017-01-04T10:00:00Z', { last_name: 'Jones' }),
  ]);
  t.match(ltv.get('c1'), { revenue: 15, last_name: 'Jones' });
});

t.test('weeks run Monday to Sunday in UTC, and a partial week counts whole', async (t) => {
  // Sunday 23:30 UTC and Monday 00:30 UTC: two weeks (east of UTC both are Monday, one week).
  const acrossMonday = await ltvOf(t, [
    visit('v1', 'c1', '2017-01-01T23:30:00Z'),
    visit('v2', 'c1', '2017-01-02T00:30:00Z'),
  ]);
  t.equal(acrossMonday.get('c1')?.visits_per_week, 1, '2 visits over 2 weeks');
  // Wednesday to the next Tuesday: 7 days, but two calendar weeks.
  const wedToTue = await ltvOf(t, [
    visit('v1', 'c1', '2017-01-04T12:00:00Z'),
    visit('v2', 'c1', '2017-01-10T12:00:00Z'),
  ]);
  t.equal(wedToTue.get('c1')?.visits_per_week, 1);
  // Monday 00:00 to Sunday 23:59:59.999: one week.
  const oneWeek = await ltvOf(t, [
    visit('v1', 'c1', '2017-01-02T00:00:00.000Z'),
    visit('v2', 'c1', '2017-01-08T23:59:59.999Z'),
  ]);
  t.equal(oneWeek.get('c1')?.visits_per_week, 2);
  // An offset is read as such: 2017-01-02T00:30+01:00 is Sunday 23:30 UTC, the same week as the other visit.
  const offset = await ltvOf(t, [
    visit('v1', 'c1', '2017-01-02T00:30:00+01:00'),
    visit('v2', 'c1', '2017-01-01T10:00:00Z'),
  ]);
  t.equal(offset.get('c1')?.visits_per_week, 2);
});

t.test("the challenge's legacy times (2017-01-06:12:46:46.384Z) are read as UTC", async (t) => {
  // Sunday 23:30 and Monday 00:30 UTC: two weeks, as with ISO times.
  const ltv = await ltvOf(t, [
    visit('v1', 'c1', '2017-01-01:23:30:00.000Z'),
    order('o1', 'c1', '2017-01-02:00:30:00.000Z', '10.00 USD'),
  ]);
  t.match(ltv.get('c1'), { visits: 1, revenue: 10, visits_per_week: 0.5, ltv: 2600 });
});

t.test("the timeframe is the whole data set's, from every event of every type and version", async (t) => {
  const ltv = await ltvOf(t, [
    order('o1', 'c1', '2017-01-03T10:00:00Z', '104.00 USD'),
    image('i1', 'c2', '2017-01-20T10:00:00Z'), // another customer's image: the data set spans 3 weeks
    order('o1', 'c1', '2016-12-31T10:00:00Z', '1.00 USD', 'UPDATE'), // stale, yet its time opens the timeframe: 4 weeks
  ]);
  t.match(ltv.get('c1'), { revenue: 104, ltv: 13520 }, '52 * (104 / 4) * 10');
  t.match(ltv.get('c2'), { revenue: 0, ltv: 0, visits: 0 });
});

t.test('revenue per visit is null without visits; the LTV still counts the revenue', async (t) => {
  const ltv = await ltvOf(t, [order('o1', 'c1', '2017-01-03T10:00:00Z', '10.00 USD')]);
  t.match(ltv.get('c1'), { visits: 0, revenue_per_visit: null, visits_per_week: 0, ltv: 5200 });
});

t.test("a customer's latest name is shown; a customer known only from its orders is listed without one", async (t) => {
  const ltv = await ltvOf(t, [
    customer('c1', '2017-01-05T10:00:00Z', { verb: 'UPDATE', last_name: 'Jones' }),
    customer('c1', '2017-01-03T10:00:00Z', { last_name: 'Smith' }),
    order('o1', 'c2', '2017-01-03T10:00:00Z', '1.00 USD'),
  ]);
  t.equal(ltv.get('c1')?.last_name, 'Jones');
  t.equal(ltv.get('c2')?.last_name, null);
});

t.test("an order moved to another customer counts for the latest version's customer", async (t) => {
  const ltv = await ltvOf(t, [
    order('o1', 'c1', '2017-01-03T10:00:00Z', '10.00 USD'),
    order('o1', 'c2', '2017-01-04T10:00:00Z', '10.00 USD', 'UPDATE'),
  ]);
  t.equal(ltv.get('c1')?.revenue ?? 0, 0);
  t.equal(ltv.get('c2')?.revenue, 10);
});

t.test('money is rounded half up to the cent, never through floating point', async (t) => {
  // 0.01 USD over 16 weeks: 52 * 0.01 / 16 * 10 = 0.325 -> 0.33.
  const ltv = await ltvOf(t, [
    order('o1', 'c1', '2017-01-02T10:00:00Z', '0.01 USD'),
    visit('v1', 'c9', '2017-04-23T10:00:00Z'),
  ]);
  t.equal(ltv.get('c1')?.ltv, 0.33);
  const perVisit = await ltvOf(t, [
    order('o1', 'c1', '2017-01-02T10:00:00Z', '0.05 USD'),
    visit('v1', 'c1', '2017-01-02T10:00:00Z'),
    visit('v2', 'c1', '2017-01-02T11:00:00Z'),
  ]);
  t.equal(perVisit.get('c1')?.revenue_per_visit, 0.03, '0.025 -> 0.03');
});

t.test('top X: highest LTV first, equal LTVs by customer id, every customer when X is larger', async (t) => {
  const events = [
    order('o1', 'b', '2017-01-03T10:00:00Z', '10.00 USD'),
    order('o2', 'a', '2017-01-03T10:00:00Z', '10.00 USD'),
    order('o3', 'c', '2017-01-03T10:00:00Z', '30.00 USD'),
  ];
  const file = await eventFile(t, events);
  t.same(
    (await topLtvFromFile(file, 2, 'sql')).customers.map((row) => row.customer_id),
    ['c', 'a'],
  );
  t.same(
    (await topLtvFromFile(file, 50, 'sql')).customers.map((row) => row.customer_id),
    ['c', 'a', 'b'],
  );
});

t.test('rejected events change nothing and are listed with their index', async (t) => {
  const { customers, rejected } = await topLtvFromFile(
    await eventFile(t, [
      order('o1', 'c1', '2017-01-03T10:00:00Z', '10.00 USD'),
      order('o2', 'c1', '2017-01-03T10:00:00Z', '50.00 EUR'),
      'oops',
    ]),
    10,
    'sql',
  );
  t.match(customers, [{ customer_id: 'c1', revenue: 10 }]);
  t.match(rejected, [
    { index: 1, reason: /not in USD/ },
    { index: 2, reason: /must be a JSON object/ },
  ]);
});

t.test('a file DuckDB cannot split (a broken array, a byte-order mark) still counts its readable events', async (t) => {
  const good = JSON.stringify(order('o1', 'c1', '2017-01-03T10:00:00Z', '10.00 USD'));
  const brokenArray = join(folderOf(t), 'broken.json');
  await writeFile(
    brokenArray,
    `[${good},\n{"type":,},\n${JSON.stringify(order('o2', 'c1', '2017-01-03T10:00:00Z', '5.00 USD'))}]`,
  );
  const broken = await topLtvFromFile(brokenArray, 10, 'sql');
  t.match(broken.customers, [{ customer_id: 'c1', revenue: 15 }]);
  t.match(broken.rejected, [{ index: 1, reason: 'not valid JSON' }]);
  const bom = join(folderOf(t), 'bom.ndjson');
  await writeFile(bom, `\uFEFF${good}\r\n'oops'\r\n`);
  const withBom = await topLtvFromFile(bom, 10, 'sql');
  t.match(withBom.customers, [{ customer_id: 'c1', revenue: 10 }]);
  t.match(withBom.rejected, [{ index: 1, reason: 'not valid JSON' }]);
});
