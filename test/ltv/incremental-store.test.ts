// The incremental lifetime value against the full recompute, over random events: UPDATEs, ties, events out
// of order, resends (identical, and with fields reordered), shared order and page ids, a few bad events,
// split into random batches committed in random order, interleaved with compactions and restarts. The
// store's state must give the same top customers and conflicts as the SQL over the store, and as
// `npm run ltv -- top X --events` over the events concatenated in one file.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import t from 'tap';
import { ingest } from '../../src/ltv/ingest.js';
import { topLtv } from '../../src/ltv/pipeline.js';
import { topLtvFromStore } from '../../src/ltv/top-ltv.js';
import { runInMemory } from '../../src/pipeline/in-memory.js';
import { eventsPipeline, ltvPipeline } from '../../src/ltv/pipeline.js';
import { EventStore } from '../../src/ltv/store/event-store.js';
import { queryRows } from '../../src/warehouse/database.js';
import { STRESS } from '../helpers/server-process.js';
import { folderOf } from '../helpers/warehouse.js';

const CUSTOMERS = ['c1', 'c2', 'c3', 'c4', '\u{1d49c}', '\ue000'];
const TIMES = [
  '2017-01-02T10:00:00.000Z',
  '2017-01-02T10:00:00.000Z',
  '2017-01-03T08:30:00.123Z',
  '2017-01-09T00:00:00.000Z',
  '2017-02-14T23:59:59.999Z',
  '2017-03-01T00:00:00+01:00',
];
const AMOUNTS = ['1.00 USD', '2.50 USD', '2.50 USD', '10.00 USD', '999999999999999.99 USD'];
const NAMES = ['Smith', 'Jones', '', null, undefined];

const pick = <T>(items: readonly T[]) => fc.constantFrom(...items);

const event = fc.oneof(
  fc.record({
    type: fc.constant('CUSTOMER'),
    verb: pick(['NEW', 'UPDATE']),
    key: pick(CUSTOMERS),
    event_time: pick(TIMES),
    last_name: pick(NAMES),
  }),
  fc.record({
    type: fc.constant('ORDER'),
    verb: pick(['NEW', 'UPDATE']),
    key: pick(['o1', 'o2', 'o3', 'o4']),
    event_time: pick(TIMES),
    customer_id: pick(CUSTOMERS),
    total_amount: pick(AMOUNTS),
  }),
  fc.record({
    type: fc.constant('SITE_VISIT'),
    verb: fc.constant('NEW'),
    key: pick(['p1', 'p2', 'p3']),
    event_time: pick(TIMES),
    customer_id: pick(CUSTOMERS),
    tags: fc.constant([{ some: 'tag' }]),
  }),
  fc.record({
    type: fc.constant('IMAGE'),
    verb: fc.constant('UPLOAD'),
    key: pick(['i1', 'i2']),
    event_time: pick(TIMES),
    customer_id: pick(CUSTOMERS),
  }),
  // A few events ingest rejects: they must change nothing anywhere.
  fc.record({
    type: fc.constant('ORDER'),
    verb: fc.constant('NEW'),
    key: fc.constant('bad'),
    event_time: pick(TIMES),
    customer_id: pick(CUSTOMERS),
    total_amount: fc.constant('3.00 EUR'),
  }),
);

/** Events, with some resent as they were and some resent with their fields in another order. */
const events = fc
  .tuple(fc.array(event, { minLength: 1, maxLength: 40 }), fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 8 }))
  .map(([list, resends]) => {
    const all: Record<string, unknown>[] = list.map((item) =>
      Object.fromEntries(Object.entries(item).filter(([, value]) => value !== undefined)),
    );
    for (const [at, reorder] of resends) {
      const copy = all[at % all.length]!;
      all.push(reorder ? Object.fromEntries(Object.entries(copy).reverse()) : copy);
    }
    return all;
  });

type Step =
  { kind: 'commit'; size: number } | { kind: 'compact'; batches: number } | { kind: 'snapshot' } | { kind: 'restart' };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('commit' as const), size: fc.integer({ min: 1, max: 12 }) }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('compact' as const), batches: fc.integer({ min: 1, max: 4 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('snapshot' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
);

const conflictsBySql = (dir: string) =>
  runInMemory([eventsPipeline, ltvPipeline], { sqlDir: 'sql', inputs: { events: dir } }, (connection) =>
    queryRows<{ order_id: string; customers: string[] }>(
      connection,
      `select order_id, list(distinct n.customer_id order by n.customer_id) as customers
       from order_conflicts, unnest(new_orders) as t(n) group by order_id order by order_id`,
    ),
  );

let run = 0;

t.test('the incremental state, the full recompute and the file give the same answer', async (t) => {
  await fc.assert(
    fc.asyncProperty(
      events,
      fc.array(step, { minLength: 1, maxLength: 10 }),
      fc.infiniteStream(fc.nat()),
      async (list, steps, random) => {
        const dir = join(folderOf(t), `store-${++run}`);
        // The batches, in a random order: events arrive with no guaranteed order.
        const order = list
          .map((item, i) => ({ item, rank: random.next().value! }))
          .sort((a, b) => a.rank - b.rank)
          .map(({ item }) => item);
        let store = await EventStore.open(dir, 'sql');
        let next = 0;
        for (const action of [...steps, { kind: 'commit' as const, size: order.length }]) {
          if (action.kind === 'commit') {
            const batch = order.slice(next, next + action.size);
            next += batch.length;
            if (batch.length > 0) {
              await ingest(
                store,
                batch.map((value, index) => ({ index, value })),
              );
            }
          } else if (action.kind === 'compact') {
            await store.compact(action.batches);
          } else {
            store = await EventStore.open(dir, 'sql');
          }
        }
        const file = join(folderOf(t), `events-${run}.json`);
        await writeFile(file, JSON.stringify(list));
        const fromState = store.state.top(1000);
        const fromStore = (await topLtv({ store: dir }, 1000, 'sql')).customers;
        const fromFile = (await topLtv({ files: [{ file, format: 'array', name: file }] }, 1000, 'sql')).customers;
        // As `npm run ltv -- top X` answers from the store: from its snapshot when that covers everything.
        await store.snapshotIfDue(true);
        const fromCommand = (await topLtvFromStore(dir, 1000, 'sql')).customers;
        const same =
          JSON.stringify(fromState) === JSON.stringify(fromStore) &&
          JSON.stringify(fromStore) === JSON.stringify(fromFile) &&
          JSON.stringify(fromCommand) === JSON.stringify(fromFile);
        if (!same) t.comment(JSON.stringify({ fromState, fromStore, fromFile, fromCommand }, null, 1));
        const conflicts = store.state.conflicts();
        const sqlConflicts = await conflictsBySql(dir);
        if (JSON.stringify(conflicts) !== JSON.stringify(sqlConflicts)) {
          t.comment(JSON.stringify({ conflicts, sqlConflicts }));
        }
        return same && JSON.stringify(conflicts) === JSON.stringify(sqlConflicts);
      },
    ),
    { numRuns: STRESS ? 300 : 25, seed: STRESS ? undefined : 20261204 },
  );
});
