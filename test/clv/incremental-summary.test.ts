// The store worker's purchase summary and top-clv against the pipeline's SQL (sql/clv, customer_clv), over random
// ORDER events: UPDATEs that move an order to another customer or day, ties, resends, 0.00 and 15-digit amounts,
// times whose offset moves them across a UTC day, visits that move the as-of date, committed in random batches
// interleaved with compactions, restarts and reads (so later fits start warm). The summaries must be equal exactly;
// a fit from scratch on them must give the SQL's model and values (within 1e-9); a warm refit, the same to 1e-6.
import fc from 'fast-check';
import t, { type Test } from 'tap';
import { clvPipeline } from '../../src/clv/pipeline.js';
import { ServedClv, type ServedTopClv } from '../../src/clv/served-model.js';
import { simulatedOrderEvents } from '../../src/clv/simulate.js';
import { AppError } from '../../src/errors.js';
import { ingest } from '../../src/ltv/ingest.js';
import { eventsPipeline, ltvPipeline } from '../../src/ltv/pipeline.js';
import { EventStore } from '../../src/ltv/store/event-store.js';
import { runInMemory } from '../../src/pipeline/in-memory.js';
import { queryRows } from '../../src/warehouse/database.js';
import { STRESS } from '../helpers/server-process.js';
import { folderOf } from '../helpers/warehouse.js';

const TIMES = [
  '2017-01-02T10:00:00.000Z',
  '2017-01-02T10:00:00.000Z',
  '2017-01-02T23:59:59.999Z',
  '2017-01-03T00:00:00.000Z',
  '2017-01-05T02:00:00+05:00',
  '2017-01-09T00:00:00.000Z',
  '2017-01-20T12:00:00.000Z',
  '2017-02-14T23:59:59.999Z',
  '2017-03-01T00:30:00+01:00',
];
const AMOUNTS = ['0.00 USD', '1.00 USD', '2.50 USD', '2.50 USD', '10.00 USD', '999999999999999.99 USD'];
const pick = <T>(items: readonly T[]) => fc.constantFrom(...items);

/** Orders under a few shared keys (so versions replace each other), visits and customers (names). */
function randomEvents(customers: readonly string[], keys: readonly string[]) {
  return fc.oneof(
    {
      weight: 6,
      arbitrary: fc.record({
        type: fc.constant('ORDER'),
        verb: pick(['NEW', 'UPDATE']),
        key: pick(keys),
        event_time: pick(TIMES),
        customer_id: pick(customers),
        total_amount: pick(AMOUNTS),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('SITE_VISIT'),
        verb: fc.constant('NEW'),
        key: pick(['p1', 'p2']),
        event_time: pick([...TIMES, '2017-03-20T09:00:00.000Z']),
        customer_id: pick(customers),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant('CUSTOMER'),
        verb: pick(['NEW', 'UPDATE']),
        key: pick(customers),
        event_time: pick(TIMES),
        last_name: pick(['Smith', 'Jones']),
      }),
    },
  );
}

/** Enough customers for both models to be fitted: 60 drawn from the two processes (a seed per data set), 100 days from 2017-01-01. */
const base = fc.integer({ min: 1, max: 1_000_000 }).map((seed) =>
  simulatedOrderEvents({
    customers: 60,
    seed,
    bgnbd: { r: 0.5, alpha: 2, a: 0.8, b: 2.5 },
    firstDay: Date.UTC(2017, 0, 1) / 86_400_000,
    cohortDays: 30,
    days: 100,
  }),
);

/** The events with some resent (as they were, or with their fields reordered). */
function withResends(events: fc.Arbitrary<Record<string, unknown>[]>) {
  return fc.tuple(events, fc.array(fc.tuple(fc.nat(), fc.boolean()), { maxLength: 6 })).map(([list, resends]) => {
    const all = [...list];
    for (const [at, reorder] of resends) {
      const copy = all[at % all.length]!;
      all.push(reorder ? Object.fromEntries(Object.entries(copy).reverse()) : copy);
    }
    return all;
  });
}

type Step = { kind: 'commit'; size: number } | { kind: 'compact' } | { kind: 'restart' } | { kind: 'read' };
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('commit' as const), size: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('compact' as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('restart' as const) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('read' as const) }) },
);

/** The served answer, or the code of a model that cannot be fitted. */
function served(model: ServedClv): ServedTopClv | string {
  try {
    return model.top(1000, 52);
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return `${error.code} ${/\((\w+)\)/.exec(error.message)?.[1]}`;
  }
}

interface SqlAnswer {
  asOf: string | null;
  summaries: Record<string, unknown>[];
  model: { status: string; reason_code: string | null; bgnbd_r: number | null; gamma_gamma_p: number | null };
  customers: Record<string, unknown>[];
}

function bySql(dir: string): Promise<SqlAnswer> {
  return runInMemory(
    [eventsPipeline, ltvPipeline, clvPipeline],
    { sqlDir: 'sql', inputs: { events: { store: dir } } },
    async (connection) => ({
      asOf: (await queryRows<{ d: string | null }>(connection, 'select as_of_date::varchar as d from clv_period'))[0]!
        .d,
      summaries: await queryRows(
        connection,
        `select customer_id, frequency, recency_days, t_days, (repeat_revenue * 100)::hugeint::varchar as repeat_cents,
             monetary_value
         from clv_purchase_summary order by customer_id`,
      ),
      model: (await queryRows<SqlAnswer['model']>(connection, 'select * from clv_model'))[0]!,
      customers: await queryRows(
        connection,
        `select customer_id, last_name, frequency, recency_weeks, t_weeks, monetary_value, p_alive, expected_purchases,
             expected_value
         from customer_clv order by expected_value desc nulls last, customer_id`,
      ),
    }),
  );
}

const relative = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.max(Math.abs(a), Math.abs(b)));

/** The differences between served rows and the SQL's, values compared to `tolerance`; empty when they agree. */
function differences(rows: Record<string, unknown>[], sql: Record<string, unknown>[], tolerance: number): string[] {
  if (rows.length !== sql.length) return [`${rows.length} rows served, ${sql.length} in customer_clv`];
  return rows.flatMap((row, i) =>
    Object.entries(row).flatMap(([name, value]) => {
      const expected = sql[i]![name];
      const same =
        typeof value === 'number' &&
        typeof expected === 'number' &&
        ['p_alive', 'expected_purchases', 'expected_value'].includes(name)
          ? relative(value, expected) <= tolerance
          : value === expected;
      return same ? [] : [`row ${i} ${name}: served ${value}, SQL ${expected}`];
    }),
  );
}

let run = 0;
/** How many data sets were fitted, so the second test can tell it compared some fits. */
let fitted = 0;

async function check(
  t: Test,
  events: Record<string, unknown>[],
  steps: Step[],
  random: fc.Stream<number>,
): Promise<boolean> {
  const dir = `${folderOf(t)}/store-${++run}`;
  const order = events
    .map((item) => ({ item, rank: random.next().value! }))
    .sort((a, b) => a.rank - b.rank)
    .map(({ item }) => item);
  let store = await EventStore.open(dir, 'sql');
  let model = new ServedClv(store);
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
    } else if (action.kind === 'compact') await store.compact();
    else if (action.kind === 'restart') {
      store = await EventStore.open(dir, 'sql');
      model = new ServedClv(store);
    } else served(model);
  }
  const sql = await bySql(dir);
  const problems: string[] = [];
  const frame = store.state.timeframe();
  const asOfDay = frame ? Math.floor(frame.last / 86_400_000) : undefined;
  const asOf = asOfDay === undefined ? null : new Date(asOfDay * 86_400_000).toISOString().slice(0, 10);
  if (asOf !== sql.asOf) problems.push(`as-of ${asOf}, SQL ${sql.asOf}`);
  const summaries = asOfDay === undefined ? [] : store.purchases.summaries(asOfDay);
  const mine = summaries.map((s) => ({
    customer_id: s.customerId,
    frequency: s.frequency,
    recency_days: s.recencyDays,
    t_days: s.tDays,
    repeat_cents: String(s.repeatCents),
    monetary_value: s.monetaryValue,
  }));
  if (JSON.stringify(mine) !== JSON.stringify(sql.summaries)) {
    problems.push(`summaries differ: ${JSON.stringify({ mine, sql: sql.summaries })}`);
  }
  // From scratch, on the same summaries: the SQL's own fit and values.
  const cold = served(new ServedClv(store));
  const sqlStatus = sql.model.status === 'fitted' ? 'fitted' : `MODEL_NOT_FITTED ${sql.model.reason_code}`;
  if ((typeof cold === 'string' ? cold : 'fitted') !== sqlStatus) {
    problems.push(`cold: ${JSON.stringify(cold)}, SQL ${sqlStatus}`);
  }
  if (typeof cold !== 'string') {
    fitted++;
    if (cold.model.bgnbd.r !== sql.model.bgnbd_r || cold.model.gamma_gamma.p !== sql.model.gamma_gamma_p) {
      problems.push(`cold fit ${JSON.stringify(cold.model)}, SQL ${JSON.stringify(sql.model)}`);
    }
    problems.push(...differences(cold.customers, sql.customers, 1e-9));
    // The worker's own answer, its fit started from an earlier one's (the same optimum, to the optimiser's tolerance).
    const warm = served(model);
    if (typeof warm === 'string') problems.push(`warm: ${warm}, SQL fitted`);
    else problems.push(...differences(warm.customers, sql.customers, 1e-6).filter((p) => !/customer_id/.test(p)));
  }
  if (problems.length > 0) t.comment(problems.slice(0, 10).join('\n'));
  return problems.length === 0;
}

t.test('few customers: the summaries, and why no model can be fitted', async (t) => {
  const customers = ['c1', 'c2', 'c3', '\u{1d49c}', '\ue000'];
  await fc.assert(
    fc.asyncProperty(
      withResends(fc.array(randomEvents(customers, ['o1', 'o2', 'o3', 'o4']), { minLength: 1, maxLength: 40 })),
      fc.array(step, { minLength: 1, maxLength: 8 }),
      fc.infiniteStream(fc.nat()),
      (events, steps, random) => check(t, events, steps, random),
    ),
    { numRuns: STRESS ? 200 : 15, seed: STRESS ? undefined : 20261216 },
  );
});

t.test('enough customers to fit: the summaries, the fit and every customer value', async (t) => {
  const customers = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
  fitted = 0;
  await fc.assert(
    fc.asyncProperty(
      fc
        .tuple(base, fc.array(randomEvents(customers, ['o0', 'o1', 'o2', 'x1', 'x2']), { maxLength: 30 }))
        .chain(([orders, more]) => withResends(fc.constant([...orders, ...more]))),
      fc.array(step, { minLength: 1, maxLength: 8 }),
      fc.infiniteStream(fc.nat()),
      (events, steps, random) => check(t, events, steps, random),
    ),
    { numRuns: STRESS ? 100 : 8, seed: STRESS ? undefined : 20261216 },
  );
  t.ok(fitted > 0, `${fitted} of the data sets were fitted`);
});
