// POST /events and GET /customers/top-ltv as a client sees them: each event judged on its own, resends
// harmless, accepted events on disk before the answer and kept across restarts and refreshes, and the
// top customers reflecting every event accepted before the call.
import { readdir, readFile, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { EventStore } from '../../src/ltv/store/event-store.js';
import { ingest } from '../../src/ltv/ingest.js';
import { splitValues } from '../../src/ltv/event-text.js';
import { appWith, readWarehouse, TODAY } from '../helpers/warehouse.js';
import { SEED_EVENTS, order, visit } from './fixtures.js';

const SEED_LTV = {
  customer_id: '96f55c7d8f42',
  last_name: 'Smith',
  ltv: 6416.8,
  revenue: 12.34,
  visits: 1,
  revenue_per_visit: 12.34,
  visits_per_week: 1,
};

t.test('ingest, resend, read: the seed events', async (t) => {
  const { app } = await appWith(t, [{}]);
  const post = await app.inject({ method: 'POST', url: '/events', payload: SEED_EVENTS });
  t.equal(post.statusCode, 200, post.body);
  t.same(post.json(), { accepted: 4, duplicates: 0, rejected: [], conflicts: [] });
  t.same((await app.inject({ method: 'GET', url: '/customers/top-ltv' })).json(), [SEED_LTV]);
  const resend = await app.inject({
    method: 'POST',
    url: '/events',
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify([...SEED_EVENTS].reverse(), null, 2),
  });
  t.same(
    resend.json(),
    { accepted: 0, duplicates: 4, rejected: [], conflicts: [] },
    'the same events, in another order and layout',
  );
  t.same((await app.inject({ method: 'GET', url: '/customers/top-ltv' })).json(), [SEED_LTV]);
});

t.test('bad events are rejected one by one with their index; the good ones of the batch are kept', async (t) => {
  const { app } = await appWith(t, [{}]);
  const batch = [
    SEED_EVENTS[0],
    'oops',
    { ...SEED_EVENTS[3], total_amount: '12.34 EUR' },
    SEED_EVENTS[3],
    { ...SEED_EVENTS[1], event_time: 'soon' },
    SEED_EVENTS[1],
    SEED_EVENTS[1],
  ];
  const response = await app.inject({ method: 'POST', url: '/events', payload: batch });
  t.equal(response.statusCode, 200);
  t.match(response.json(), {
    accepted: 3,
    duplicates: 1,
    rejected: [
      { index: 1, reason: /must be a JSON object, not a string/ },
      { index: 2, reason: /not in USD/ },
      { index: 4, reason: /unreadable event_time "soon"/ },
    ],
  });
  t.match((await app.inject({ method: 'GET', url: '/customers/top-ltv' })).json(), [{ revenue: 12.34, visits: 1 }]);
});

t.test('a single event, NDJSON, and bodies that cannot be read', async (t) => {
  const { app, config } = await appWith(t, [{}]);
  t.same((await app.inject({ method: 'POST', url: '/events', payload: SEED_EVENTS[0] })).json(), {
    accepted: 1,
    duplicates: 0,
    rejected: [],
    conflicts: [],
  });
  const ndjson = `${JSON.stringify(SEED_EVENTS[1])}\n{"type": broken\n${JSON.stringify(SEED_EVENTS[3])}\n`;
  const lines = await app.inject({
    method: 'POST',
    url: '/events',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: ndjson,
  });
  t.match(lines.json(), { accepted: 2, duplicates: 0, rejected: [{ index: 1, reason: /not valid JSON/ }] });
  const broken = await app.inject({
    method: 'POST',
    url: '/events',
    headers: { 'content-type': 'application/json' },
    payload: '{"type": "ORDER",',
  });
  t.equal(broken.statusCode, 400);
  t.match(broken.json(), { code: 'INVALID_JSON', message: /not valid JSON/ });
  const brokenArray = await app.inject({
    method: 'POST',
    url: '/events',
    headers: { 'content-type': 'application/json' },
    payload: `[${JSON.stringify(SEED_EVENTS[2])},\n{"type":,}]`,
  });
  t.match(
    brokenArray.json(),
    { accepted: 1, rejected: [{ index: 1, reason: /not valid JSON/ }] },
    'an array keeps its readable events',
  );
  const text = await app.inject({
    method: 'POST',
    url: '/events',
    headers: { 'content-type': 'text/plain' },
    payload: 'hello',
  });
  t.equal(text.statusCode, 415);
  const proto = await app.inject({
    method: 'POST',
    url: '/events',
    headers: { 'content-type': 'application/json' },
    payload: `{"__proto__": {"polluted": true}, ${JSON.stringify(SEED_EVENTS[3]).slice(1)}`,
  });
  t.equal(proto.statusCode, 200, 'a __proto__ key is data, not a reason to refuse the batch');
  t.match(proto.json(), { accepted: 1 });
  t.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype was touched');
  t.equal((await readdir(config.EVENTS_PATH)).filter((name) => name.endsWith('.tmp')).length, 0);
});

t.test('accepted events are on disk before the answer and survive a restart and a refresh', async (t) => {
  const { app, config } = await appWith(t, [{}]);
  await app.inject({ method: 'POST', url: '/events', payload: SEED_EVENTS });
  const stored = (
    await Promise.all(
      (await readdir(config.EVENTS_PATH))
        .filter((name) => name.endsWith('.ndjson'))
        .map((name) => readFile(join(config.EVENTS_PATH, name), 'utf8')),
    )
  ).join('');
  t.equal(stored.trim().split('\n').length, 4, 'one line per event in the store');
  t.match(JSON.parse(stored.split('\n')[0]!), {
    event_id: /^[\w-]{27}$/,
    received_at: /Z$/,
    event_at: /Z$/,
    event: { type: /./ },
  });
  await app.close();

  const restarted = await buildApp(config, { clock: () => TODAY });
  t.teardown(() => restarted.close());
  t.same((await restarted.inject({ method: 'GET', url: '/customers/top-ltv' })).json(), [SEED_LTV], 'after a restart');
  t.same((await restarted.inject({ method: 'POST', url: '/events', payload: SEED_EVENTS })).json(), {
    accepted: 0,
    duplicates: 4,
    rejected: [],
    conflicts: [],
  });
  t.equal((await restarted.inject({ method: 'POST', url: '/refresh' })).statusCode, 200);
  t.same((await restarted.inject({ method: 'GET', url: '/customers/top-ltv' })).json(), [SEED_LTV], 'after a refresh');
  t.match(
    await readWarehouse(config.DB_PATH, 'select customer_id, ltv::double as ltv, weeks from customer_ltv'),
    [{ customer_id: '96f55c7d8f42', ltv: 6416.8, weeks: 1 }],
    'customer_ltv is in the warehouse',
  );
});

t.test('events stored by another process (npm run ingest) are seen by the next read', async (t) => {
  const { app, config } = await appWith(t, [{}]);
  t.same((await app.inject({ method: 'GET', url: '/customers/top-ltv' })).json(), []);
  const other = await EventStore.open(config.EVENTS_PATH, config.SQL_DIR);
  t.match(await ingest(other, splitValues(JSON.stringify(SEED_EVENTS))), { accepted: 4 });
  t.same((await app.inject({ method: 'GET', url: '/customers/top-ltv' })).json(), [SEED_LTV]);
  t.same((await app.inject({ method: 'POST', url: '/events', payload: SEED_EVENTS })).json(), {
    accepted: 0,
    duplicates: 4,
    rejected: [],
    conflicts: [],
  });
});

t.test('an answer kept while the store is quiet gives way to the next write, by any process', async (t) => {
  const { app, config } = await appWith(t, [{}]);
  const other = await EventStore.open(config.EVENTS_PATH, config.SQL_DIR);
  const top = async () => (await app.inject({ method: 'GET', url: '/customers/top-ltv?limit=100' })).json();
  for (let i = 1; i <= 6; i++) {
    // As if nothing had been written for a minute (each time another minute: a folder's mtime only moves
    // forward): the server may keep its answer until the store changes.
    const past = new Date(Date.now() - 60_000 * (8 - i));
    await utimes(config.EVENTS_PATH, past, past);
    const before = await top();
    t.equal(before.length, i - 1);
    t.same(await top(), before, 'asked again: the same answer');
    const event = [order(`o${i}`, `c${i}`, '2017-01-03T10:00:00Z', `${i}.00 USD`)];
    if (i % 2 === 0) await app.inject({ method: 'POST', url: '/events', payload: event });
    else await ingest(other, splitValues(JSON.stringify(event)));
    t.equal(
      (await top()).length,
      i,
      `write ${i} (${i % 2 === 0 ? 'POST /events' : 'another process'}) is read at once`,
    );
  }
});

t.test('every read reflects the events accepted before it', async (t) => {
  const { app } = await appWith(t, [{}]);
  for (let i = 1; i <= 3; i++) {
    await app.inject({
      method: 'POST',
      url: '/events',
      payload: [
        order(`o${i}`, `c${i}`, '2017-01-03T10:00:00Z', `${i}0.00 USD`),
        visit(`v${i}`, `c${i}`, '2017-01-03T10:00:00Z'),
      ],
    });
    const top = (await app.inject({ method: 'GET', url: '/customers/top-ltv' })).json();
    t.equal(top.length, i);
    t.equal(top[0].customer_id, `c${i}`);
  }
});

t.test('limit: 1 to 1000, default 10; anything else is a 400', async (t) => {
  const { app } = await appWith(t, [{}]);
  const events = Array.from({ length: 12 }, (_, i) =>
    order(`o${i}`, `c${String(i).padStart(2, '0')}`, '2017-01-03T10:00:00Z', `${i + 1}.00 USD`),
  );
  await app.inject({ method: 'POST', url: '/events', payload: events });
  const top = async (query: string) => app.inject({ method: 'GET', url: `/customers/top-ltv${query}` });
  t.equal((await top('')).json().length, 10);
  t.same(
    (await top('?limit=2')).json().map((row: { customer_id: string }) => row.customer_id),
    ['c11', 'c10'],
  );
  t.equal((await top('?limit=1000')).json().length, 12);
  for (const bad of ['0', '1001', 'abc', '1.5', '-1', '', '10&limit=20', '1e3']) {
    const response = await top(`?limit=${bad}`);
    t.equal(response.statusCode, 400, `limit=${bad}`);
    t.match(response.json(), { message: /limit must be a whole number from 1 to 1000|limit must be a string/ });
  }
});
