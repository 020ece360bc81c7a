// Ingest (src/ltv/events.ts) judges events sent to the API and `npm run ingest`; the SQL (sql/ltv/020_int_events.sql)
// judges event files and re-checks the store. They state the same rules twice, for speed, so this test
// holds them together: every tricky event gets the same verdict and the same reason from both, and an
// event ingest accepted gets the same time from the SQL (the check stored_events_agree).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { EventStore } from '../../src/ltv/store/event-store.js';
import { checkEvent, identityOf } from '../../src/ltv/events.js';
import { findOrderConflicts } from '../../src/ltv/order-conflicts.js';
import { ingest } from '../../src/ltv/ingest.js';
import { topLtvFromFile } from '../../src/ltv/top-ltv.js';
import { runInMemory } from '../../src/pipeline/in-memory.js';
import { eventsPipeline, ltvPipeline } from '../../src/ltv/pipeline.js';
import { folderOf } from '../helpers/warehouse.js';
import { customer, eventFile, image, order, visit } from './fixtures.js';

const base = order('o1', 'c1', '2017-01-06T12:46:46.384Z', '12.34 USD');
const times = [
  '2017-01-06T12:46:46.384Z',
  '2017-01-06T12:46:46Z',
  '2017-01-06T12:46Z',
  '2017-01-06',
  '2017-01-06 12:46:46',
  '2017-01-06t12:46:46z',
  '2017-01-06T12:46:46.384+05:30',
  '2017-01-06T12:46:46.384+0530',
  '2017-01-06T12:46:46-05',
  '2017-01-06T12:46:46.384 Z',
  '2017-01-06 +01:00',
  ' 2017-01-06T12:46:46Z ',
  '2017-01-06T12:46:46.123456789Z',
  '2017-01-06T12:46:46.1234567890Z',
  '2017-01-06T12:46:46.Z',
  '2017-01-06T',
  '2017-01-06T24:00:00Z',
  '2017-01-06T23:60:00Z',
  '2017-01-06T23:59:60Z',
  '2016-02-29T10:00:00Z',
  '2017-02-29T10:00:00Z',
  '2017-13-01T00:00:00Z',
  '0999-01-06T00:00:00Z',
  '2017-1-6T12:46:46Z',
  '20170106T124646Z',
  '2017-01-06T12:46:46+24:00',
  '2017-01-06T12:46:46+05:60',
  'yesterday',
  '',
  // JavaScript's trim() strips these, SQL's trim() does not: both must refuse them.
  '\t2017-01-06T12:46:46Z',
  '2017-01-06T12:46:46Z\n',
  '\u20282017-01-06T12:46:46Z',
  '2017-01-06T12:46:46Z\ufeff',
  '\u00a02017-01-06T12:46:46Z',
  // The challenge's legacy form, a colon for the T: read as UTC with seconds and Z, refused otherwise.
  '2017-01-06:12:46:46.384Z',
  '2017-01-06:12:46:46Z',
  ' 2017-01-06:12:46:46.384Z ',
  '2017-01-06:12:46:46.123456789Z',
  '2017-01-06:23:59:59.999Z',
  '2016-02-29:10:00:00.000Z',
  '2017-02-29:10:00:00.000Z',
  '2017-01-06:24:00:00.000Z',
  '2017-01-06:12:46Z',
  '2017-01-06:12:46:46',
  '2017-01-06:12:46:46.384z',
  '2017-01-06:12:46:46.384+01:00',
  '2017-01-06:12:46:46.Z',
  '2017-01-06::12:46:46Z',
];
const amounts = [
  '0.00 USD',
  '1.5 USD',
  '12.34 usd',
  '12.34 EUR',
  '12.34 eur',
  ' 12.34 USD',
  '12.34  USD',
  '1e3 USD',
  '-1.00 USD',
  '999999999999999.99 USD',
  '1000000000000000.00 USD',
  '12.34',
  12.34,
  null,
  '',
];
const kinds: unknown[] = [7, true, { a: 1 }, [1], null, '', 'x'];
const EVENTS: unknown[] = [
  ...times.map((event_time) => ({ ...base, event_time })),
  ...amounts.map((total_amount) => ({ ...base, total_amount })),
  ...kinds.flatMap((value) =>
    ['type', 'verb', 'key', 'event_time', 'customer_id', 'last_name'].map((field) => ({ ...base, [field]: value })),
  ),
  ...kinds.map((value) => ({
    type: 'CUSTOMER',
    verb: 'NEW',
    key: 'c1',
    event_time: '2017-01-06T12:00:00Z',
    last_name: value,
  })),
  { type: 'CUSTOMER', verb: 'NEW', key: 'c1', event_time: '2017-01-06T12:00:00Z' },
  { ...visit('v1', 'c1', '2017-01-06T12:00:00Z'), verb: 'UPDATE' },
  { ...base, type: 'ORDER ' },
  { ...base, type: 'order' },
  { ...base, type: 'R\u00e9FUND "x"' },
  { ...base, key: 'k\u00e9y "quoted" \\ back' },
  42,
  'a string',
  null,
  [base],
  true,
  {},
];

t.test('ingest and the SQL give every event the same verdict and reason', async (t) => {
  const path = join(folderOf(t), 'events.ndjson');
  await writeFile(path, `${EVENTS.map((event) => JSON.stringify(event)).join('\n')}\n{"type": broken\n`);
  const { rejected } = await topLtvFromFile(path, 10, 'sql');
  const bySql = new Map(rejected.map((rejection) => [rejection.index, rejection.reason]));
  EVENTS.forEach((event, index) => {
    const verdict = checkEvent(event);
    // Non-ASCII escaped: a raw U+2028 in an assertion's name would break tap's output.
    const described = JSON.stringify(event).replace(
      /[^\x20-\x7e]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
    t.equal(bySql.get(index), 'reason' in verdict ? verdict.reason : undefined, `#${index} ${described}`);
  });
  t.match(bySql.get(EVENTS.length), /^not valid JSON/);
});

t.test('every event ingest accepts, the SQL accepts with the same time', async (t) => {
  const dir = join(folderOf(t), 'events');
  const store = await EventStore.open(dir, 'sql');
  const accepted = EVENTS.filter((event) => !('reason' in checkEvent(event)));
  const unique = accepted.map((event, i) => ({ ...(event as object), key: `k${i}` }));
  t.match(
    await ingest(
      store,
      unique.map((value, index) => ({ index, value })),
    ),
    { accepted: unique.length, rejected: [] },
  );
  // The run fails on the check stored_events_agree if the SQL rejects a stored event or reads another time.
  const count = await runInMemory(
    [eventsPipeline, ltvPipeline],
    { sqlDir: 'sql', inputs: { events: dir } },
    async (connection) =>
      (
        await connection.runAndReadAll('select count(*)::integer as n from int_events where rejection_reason is null')
      ).getRowObjects()[0]?.n,
  );
  t.equal(count, unique.length);
});

t.test('ingest and the SQL tell versions from facts alike: what each event is a version of', async (t) => {
  const sent = visit('p1', 'c1', '2017-01-06T12:00:00.000Z');
  const events: Record<string, unknown>[] = [
    sent,
    Object.fromEntries(Object.entries(sent).reverse()), // the same visit, fields reordered
    { ...sent, event_time: '2017-01-06T13:00:00+01:00' }, // the same instant, written otherwise
    visit('p1', 'c1', '2017-01-06T12:00:01.000Z'), // the same page, a second later
    visit('p1', 'c2', '2017-01-06T12:00:00.000Z'), // the same page and time, another customer
    image('i1', 'c1', '2017-01-06T12:00:00.000Z'),
    image('i1', 'c1', '2017-01-07T12:00:00.000Z'),
    order('o1', 'c1', '2017-01-06T12:00:00.000Z', '1.00 USD'),
    order('o1', 'c1', '2017-01-07T12:00:00.000Z', '2.00 USD', 'UPDATE'),
    order('o1', 'c2', '2017-01-08T12:00:00.000Z', '3.00 USD', 'UPDATE'),
    customer('c1', '2017-01-06T12:00:00.000Z'),
    customer('c1', '2017-01-07T12:00:00.000Z', { verb: 'UPDATE', last_name: 'Jones' }),
  ];
  const identities = new Set(
    events.map((event) => {
      const verdict = checkEvent(event);
      if ('reason' in verdict) throw new Error(verdict.reason);
      return identityOf(event, verdict.eventAt);
    }),
  );
  const dir = join(folderOf(t), 'events');
  await ingest(
    await EventStore.open(dir, 'sql'),
    events.map((value, index) => ({ index, value })),
  );
  const rows = await runInMemory(
    [eventsPipeline, ltvPipeline],
    { sqlDir: 'sql', inputs: { events: dir } },
    async (connection) =>
      (await connection.runAndReadAll('select count(*)::integer as n from latest_events')).getRowObjects()[0]?.n,
  );
  t.equal(identities.size, 7, 'three visits, two images, one order, one customer');
  t.equal(rows, identities.size);
});

t.test(
  'ingest and the SQL find the same order conflicts: ids that NEW orders of different customers share',
  async (t) => {
    const events = [
      order('o1', 'c1', '2017-01-06T12:00:00.000Z', '10.00 USD'),
      order('o1', 'c2', '2017-01-06T12:00:00.000Z', '020.00 USD'),
      order('o1', 'c2', '2017-01-06T12:00:00.000Z', '20.00 USD'), // the same NEW as the one above
      order('o1', 'c3', '2017-01-07:12:00:00.000Z', '1.00 USD'),
      order('o1', 'c4', '2017-01-08T12:00:00.000Z', '99.00 USD', 'UPDATE'), // an UPDATE is no conflict
      order('o2', 'c1', '2017-01-06T12:00:00.000Z', '5.00 USD'),
      order('o2', 'c1', '2017-01-07T12:00:00.000Z', '6.00 USD'), // one customer's second NEW: a version
      order('o3', 'c1', '2017-01-06T12:00:00.000Z', '5.00 USD'),
      order('o3', 'c2', '2017-01-06T12:00:00.000Z', '5.00 EUR'), // rejected, so no conflict
    ];
    const { conflicts } = await topLtvFromFile(await eventFile(t, events), 10, 'sql');
    t.same(
      findOrderConflicts(events),
      conflicts.map(({ order_id, new_orders }) => ({ order_id, new_orders })),
    );
    t.same(
      conflicts.map((conflict) => [conflict.order_id, conflict.new_orders.length, conflict.counted_customer_id]),
      [['o1', 3, 'c4']],
    );
  },
);
