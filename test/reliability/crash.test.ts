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

t.test('SIGKILL during ingest: every acknowledged event survives, and no partial file is left', async (t) => {
  const random = seededRandom(SEED + 1);
  const config = await fixtureDir(t, RUN_A);
  const acknowledged: object[] = [];
  let next = 0;
  let cut = 0;
  const batch = () =>
    Array.from({ length: 100 }, () => {
      const n = next++;
      return n % 2 === 0
        ? customer(`crash-${n}`, '2017-01-02T10:00:00Z')
        : order(`crash-${n}`, `crash-${n - 1}`, '2017-01-02T11:00:00Z', `${(n % 997) + 1}.00 USD`);
    });
  for (let kill_ = 0; kill_ < KILLS; kill_++) {
    const server = await start(t, config);
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
  }

  const server = await start(t, config);
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
  t.equal(refreshed.status, 200, 'the store survived whole: a refresh reads every file');
  t.ok(refreshed.body.events_read >= acknowledged.length);
  t.comment(
    `${KILLS} kills during ingest: ${acknowledged.length} events acknowledged, 0 lost, ${cut} requests cut by a kill`,
  );
});
