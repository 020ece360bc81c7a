// SIGKILL at random moments of a refresh and of an ingest, against the real server process: the
// restarted server serves the last good warehouse, no acknowledged event is lost, and nothing a crash
// left half-written survives the restart. Kills alternate between the server alone (its pipeline
// worker then abandons the build) and the whole process group (server and worker at once).
import { readdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import type { Config } from '../../src/config.js';
import { seededRandom } from '../../src/samples/random.js';
import { request, startServer, STRESS, type ServerProcess } from '../helpers/server-process.js';
import { writeVoucherParquet } from '../helpers/voucher-parquet.js';
import { fixtureDir, readWarehouse } from '../helpers/warehouse.js';
import { customer, order } from '../ltv/fixtures.js';
import { SEED_REQUEST } from '../vouchers/fixtures.js';
import { AMOUNT_A, AMOUNT_B, RUN_A, RUN_B } from '../helpers/voucher-inputs.js';

const KILLS = STRESS ? 25 : 4;
const SEED = 4242;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function kill(server: ServerProcess, wholeGroup: boolean): Promise<void> {
  if (wholeGroup) process.kill(-server.child.pid!, 'SIGKILL');
  else server.child.kill('SIGKILL');
  await server.exited;
}

const start = (t: Test, config: Config) => startServer(t, config, { detached: true });

t.test('SIGKILL during refreshes: the restarted server serves the last good warehouse', async (t) => {
  const random = seededRandom(SEED);
  const config = await fixtureDir(t, RUN_A);
  const amountOfRun = new Map<string, number>();
  let server = await start(t, config);
  const first = await request(server.url, 'POST', '/select-voucher', SEED_REQUEST);
  amountOfRun.set(first.body.run_id, AMOUNT_A);
  const timed = performance.now();
  t.equal((await request(server.url, 'POST', '/refresh')).status, 200);
  const refreshMs = performance.now() - timed;
  amountOfRun.set((await request(server.url, 'GET', '/health')).body.run_id, AMOUNT_A);

  let swapped = 0;
  for (let kill_ = 0; kill_ < KILLS; kill_++) {
    const [rows, amount] = kill_ % 2 === 0 ? [RUN_B, AMOUNT_B] : [RUN_A, AMOUNT_A];
    await writeVoucherParquet(config.DATA_PATH, rows);
    const served = (await request(server.url, 'GET', '/health')).body.run_id;
    const refreshing = request(server.url, 'POST', '/refresh').catch(() => undefined);
    await sleep(random() * refreshMs * 2);
    await kill(server, kill_ % 2 === 1);
    const answered = await refreshing;
    if (answered?.status === 200) amountOfRun.set(answered.body.run_id, amount);

    server = await start(t, config);
    const [latest] = await readWarehouse<{ run_id: string }>(
      config.DB_PATH,
      'select run_id from pipeline_runs order by finished_at desc limit 1',
    );
    // A refresh killed after its swap (answered or not) is the new last good warehouse.
    if (latest && !amountOfRun.has(latest.run_id)) amountOfRun.set(latest.run_id, amount);
    if (latest && latest.run_id !== served) swapped++;
    const answer = await request(server.url, 'POST', '/select-voucher', SEED_REQUEST);
    t.equal(answer.status, 200, `kill ${kill_}: served after the restart`);
    t.equal(answer.body.run_id, latest?.run_id, `kill ${kill_}: the last run in the warehouse is served`);
    t.equal(answer.body.voucher_amount, amountOfRun.get(answer.body.run_id), `kill ${kill_}: with that run's answer`);
    const leftovers = (await readdir(dirname(config.DB_PATH))).filter((name) => /\.building-|refresh-lock/.test(name));
    t.same(leftovers, [], `kill ${kill_}: no build file or lock is left`);
  }
  t.comment(
    `${KILLS} kills during refreshes of about ${refreshMs.toFixed(0)} ms; ${swapped} had swapped the new warehouse in before the kill`,
  );
});

t.test(
  'SIGKILL during ingest, compaction and the incremental update: every acknowledged event survives once',
  async (t) => {
    const random = seededRandom(SEED + 1);
    const config = await fixtureDir(t, RUN_A);
    const acknowledged: object[] = [];
    let next = 0;
    let cut = 0;
    let compactionsCut = 0;
    // Orders of a few customers over several months: every batch updates the same customers' revenues, and
    // each compaction writes several month files.
    const batch = () =>
      Array.from({ length: 100 }, () => {
        const n = next++;
        const at = `2017-0${(n % 6) + 1}-02T10:00:00Z`;
        return n % 10 === 0
          ? customer(`crash-${n % 50}`, at, { verb: n < 50 ? 'NEW' : 'UPDATE', last_name: `Name ${n}` })
          : order(`crash-${n % 700}`, `crash-${n % 50}`, at, `${(n % 997) + 1}.00 USD`, n < 700 ? 'NEW' : 'UPDATE');
      });
    // The store compacts after every two batch files, so kills also land during compactions.
    const compactOften = { env: { EVENTS_COMPACT_BATCHES: '2' } };
    for (let kill_ = 0; kill_ < KILLS; kill_++) {
      const server = await startServer(t, config, { detached: true, ...compactOften });
      let running = true;
      const writers = Array.from({ length: 4 }, async () => {
        while (running) {
          const events = batch();
          const answer = await request(server.url, 'POST', '/events', events).catch(() => undefined);
          if (answer?.status === 200) acknowledged.push(...events);
          else if (answer) t.fail(`an ingest was refused: ${answer.status} ${JSON.stringify(answer.body)}`);
          else {
            cut++;
            running = false;
          }
        }
      });
      await sleep(150 + random() * 600);
      await kill(server, kill_ % 2 === 1);
      running = false;
      await Promise.all(writers);
      // A compaction's staging folder outlives a kill that cut it short (the next compaction removes it).
      if ((await readdir(config.EVENTS_PATH)).some((name) => name.startsWith('.compacting-'))) compactionsCut++;
    }

    const server = await startServer(t, config, { detached: true, ...compactOften });
    const tmp = (await readdir(config.EVENTS_PATH)).filter((name) => name.endsWith('.tmp'));
    t.same(tmp, [], 'no partial batch file is left after the restart');
    let accepted = 0;
    let duplicates = 0;
    for (let i = 0; i < acknowledged.length; i += 1000) {
      const answer = await request(server.url, 'POST', '/events', acknowledged.slice(i, i + 1000));
      accepted += answer.body.accepted;
      duplicates += answer.body.duplicates;
    }
    t.ok(acknowledged.length > 0, `events were acknowledged before the kills (${acknowledged.length})`);
    t.equal(accepted, 0, 'resending every acknowledged event stores nothing new: none was lost');
    t.equal(duplicates, acknowledged.length);
    const refreshed = await request(server.url, 'POST', '/refresh');
    t.equal(refreshed.status, 200, 'the store survived whole: a refresh reads every file', {
      body: refreshed.body,
      log: server.output().slice(-4000),
    });
    t.ok(refreshed.body.events_read >= acknowledged.length);
    t.ok(refreshed.body.events_compacted > 0, `compactions ran (${refreshed.body.events_compacted} events in parquet)`);
    const [counts] = await readWarehouse<{ events: number; distinct_events: number }>(
      config.DB_PATH,
      'select count(*)::integer as events, count(distinct event_id)::integer as distinct_events from accepted_events',
    );
    t.equal(counts?.events, counts?.distinct_events, 'no event is read twice, whatever a kill interrupted');
    const served = (await request(server.url, 'GET', '/customers/top-ltv?limit=100')).body;
    const recomputed = await readWarehouse(
      config.DB_PATH,
      `select customer_id, ltv::double as ltv from customer_ltv order by ltv desc, customer_id limit 100`,
    );
    t.same(
      served.map((row: { customer_id: string; ltv: number }) => ({ customer_id: row.customer_id, ltv: row.ltv })),
      recomputed,
      'the restarted incremental state answers what the full recompute does',
    );
    t.comment(
      `${KILLS} kills during ingest: ${acknowledged.length} events acknowledged, 0 lost, ${cut} requests cut by a kill, ${compactionsCut} compactions cut by a kill`,
    );
  },
);
