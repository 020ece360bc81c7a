// An order id that NEW orders of different customers share (public event files do this): the order still
// counts once, by the version rule, whatever the arrival order, and the conflict is reported to the user:
// on stderr by `npm run ltv`, and in the warehouse's order_conflicts after a refresh, which still succeeds.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { topLtvFromFile } from '../../src/ltv/top-ltv.js';
import { appWith, readWarehouse } from '../helpers/warehouse.js';
import { eventFile, order, visit } from './fixtures.js';

/** Two customers' NEW orders under one id at the same instant: the larger amount counts, for c2. */
const SHARED_ID = [
  visit('p1', 'c1', '2017-01-03T09:00:00Z'),
  visit('p1', 'c2', '2017-01-03T09:00:00Z'),
  order('68d84e5d1a43', 'c1', '2017-01-03T10:00:00Z', '10.00 USD'),
  order('68d84e5d1a43', 'c2', '2017-01-03T10:00:00Z', '20.00 USD'),
];

t.test('a shared order id counts once, for the same customer in either arrival order, and is reported', async (t) => {
  for (const [name, events] of [
    ['as sent', SHARED_ID],
    ['reversed', [...SHARED_ID].reverse()],
  ] as const) {
    const { customers, conflicts } = await topLtvFromFile(await eventFile(t, events, `${name}.json`), 10, 'sql');
    t.same(
      customers.map((row) => [row.customer_id, row.revenue]),
      [
        ['c2', 20],
        ['c1', 0],
      ],
      name,
    );
    t.same(
      conflicts,
      [
        {
          order_id: '68d84e5d1a43',
          new_orders: [
            { customer_id: 'c1', event_at: '2017-01-03T10:00:00.000Z', amount: '10.00' },
            { customer_id: 'c2', event_at: '2017-01-03T10:00:00.000Z', amount: '20.00' },
          ],
          counted_customer_id: 'c2',
          counted_amount: '20.00',
        },
      ],
      name,
    );
  }
});

t.test(
  'npm run ltv names each conflicting order id and its customers on stderr; stdout keeps the answer',
  async (t) => {
    const result = spawnSync(
      process.execPath,
      ['dist/cli.js', 'ltv', 'top', '5', '--events', await eventFile(t, SHARED_ID), '--json'],
      { encoding: 'utf8', env: { ...process.env, LOG_LEVEL: 'silent' } },
    );
    t.equal(result.status, 0, result.stderr);
    t.match(
      result.stderr,
      /^1 order id\(s\) used by the NEW orders of different customers[^\n]*:\n {2}order 68d84e5d1a43: NEW by c1 \(10\.00 USD\), c2 \(20\.00 USD\); counted for c2 \(20\.00 USD\)\n$/,
    );
    t.equal(JSON.parse(result.stdout).length, 2);
  },
);

t.test(
  'after a refresh the warehouse shows the conflict in order_conflicts and counts it; the refresh succeeds',
  async (t) => {
    const { app, config } = await appWith(t, [{}]);
    await app.inject({ method: 'POST', url: '/events', payload: SHARED_ID });
    const refresh = await app.inject({ method: 'POST', url: '/refresh' });
    t.equal(refresh.statusCode, 200, refresh.body);
    t.match(refresh.json(), { status: 'succeeded', order_conflicts: 1 });
    t.same(
      await readWarehouse(
        config.DB_PATH,
        `select order_id, customers, [o.customer_id for o in new_orders] as customer_ids,
           [o.amount::varchar for o in new_orders] as amounts, counted_customer_id, counted_amount::varchar as counted_amount
       from order_conflicts`,
      ),
      [
        {
          order_id: '68d84e5d1a43',
          customers: 2,
          customer_ids: ['c1', 'c2'],
          amounts: ['10.00', '20.00'],
          counted_customer_id: 'c2',
          counted_amount: '20.00',
        },
      ],
    );
    t.same(
      await readWarehouse(
        config.DB_PATH,
        'select order_conflicts::integer as n from pipeline_runs order by started_at',
      ),
      [{ n: 0 }, { n: 1 }],
      'pipeline_runs: none at start-up (no events yet), one after the events',
    );
  },
);
