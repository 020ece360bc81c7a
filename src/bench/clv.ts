// The customer value model: its fit on 100,000 simulated customers (from scratch and from the previous fit), and
// GET /customers/top-clv read right after a one-order write, on a server over a store of those customers' orders
// (built once into bench/tmp, as the store benchmark builds its stores).
import { cp, mkdtemp, rm, writeFile, readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isFitted } from '../clv/model.js';
import { simulatedOrderEvents, timeClvFit } from '../clv/simulate.js';
import type { Config } from '../config.js';
import { ingest } from '../ltv/ingest.js';
import { EventStore } from '../ltv/store/event-store.js';
import { startService, stopProcess } from './processes.js';
import { count, median, ms, seconds, type Say } from './report.js';

const CUSTOMERS = 100_000;
const STORE_FORMAT = 2;

/** A store of the simulated customers' orders, built once and kept; its folder and its number of orders. */
async function clvStore(sqlDir: string): Promise<{ dir: string; orders: number }> {
  const dir = join('bench/tmp', `clv-store-${CUSTOMERS}-v${STORE_FORMAT}`);
  const marker = join(dir, 'built.json');
  if (existsSync(marker)) return { dir, ...JSON.parse(await readFile(marker, 'utf8')) };
  await rm(dir, { recursive: true, force: true });
  console.log(`building the order store ${dir}, kept for later runs`);
  const store = await EventStore.open(join(dir, 'events'), sqlDir);
  const events = simulatedOrderEvents({ customers: CUSTOMERS, seed: 1 }).map((value, index) => ({ index, value }));
  for (let i = 0; i < events.length; i += 10_000) await ingest(store, events.slice(i, i + 10_000));
  while ((await store.pendingBatches()) > 0) await store.compact(40);
  await store.snapshotIfDue(true);
  await writeFile(marker, JSON.stringify({ orders: events.length }));
  return { dir, orders: events.length };
}

/** The first answer of top-clv after each of `writes` one-order writes, in ms, and how the model was had. */
async function readsAfterWrites(store: { dir: string }, config: Config, writes: number) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-clv-'));
  await cp(join(store.dir, 'events'), join(dir, 'events'), { recursive: true });
  const { child: service, base } = await startService(config, dir);
  try {
    let started = performance.now();
    await (await fetch(`${base}/customers/top-clv?limit=10`)).arrayBuffer();
    const firstMs = performance.now() - started;
    const afterWrite: number[] = [];
    for (let i = 0; i < writes; i++) {
      const order = {
        type: 'ORDER',
        verb: 'NEW',
        key: `bench-clv-${process.pid}-${i}`,
        event_time: '1997-09-30T12:00:00.000Z',
        customer_id: `c${(i * 7919) % CUSTOMERS}`,
        total_amount: '25.00 USD',
      };
      const posted = await fetch(`${base}/events`, {
        method: 'POST',
        body: JSON.stringify(order),
        headers: { 'content-type': 'application/json' },
      });
      await posted.arrayBuffer();
      started = performance.now();
      await (await fetch(`${base}/customers/top-clv?limit=10`)).arrayBuffer();
      afterWrite.push(performance.now() - started);
    }
    started = performance.now();
    await (await fetch(`${base}/customers/top-clv?limit=10`)).arrayBuffer();
    return { firstMs, afterWriteMs: median(afterWrite), keptMs: performance.now() - started };
  } finally {
    await stopProcess(service);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function clvSection(config: Config, say: Say): Promise<void> {
  say(`## The customer value model (BG/NBD and Gamma-Gamma) on ${count(CUSTOMERS)} simulated customers`);
  say();
  const fits = [1, 2, 3].map((seed) => timeClvFit(CUSTOMERS, seed));
  say(
    '| fit from scratch | refit from the previous fit | every customer valued, top 1,000 ranked | fitted r, α, a, b (drawn with .243, 4.41, .793, 2.43) |',
  );
  say('|---:|---:|---:|---|');
  const fit = fits[0]!.fit;
  const params = isFitted(fit)
    ? `${fit.bgnbd.r.toFixed(3)}, ${fit.bgnbd.alpha.toFixed(2)}, ${fit.bgnbd.a.toFixed(3)}, ${fit.bgnbd.b.toFixed(2)}`
    : 'not fitted';
  say(
    `| ${ms(median(fits.map((each) => each.coldMs)))} | ${ms(median(fits.map((each) => each.warmMs)))} | ${ms(median(fits.map((each) => each.valuesMs)))} | ${params} |`,
  );
  say('(median of 3 simulated populations, in the benchmark process)');
  say();
  const store = await clvStore(config.SQL_DIR);
  const reads = await readsAfterWrites(store, config, 5);
  say(
    `| server over ${count(store.orders)} orders of ${count(CUSTOMERS)} customers | GET /customers/top-clv?limit=10 |`,
  );
  say('|---|---:|');
  say(`| first answer after the start (a fit from scratch) | ${seconds(reads.firstMs)} |`);
  say(
    `| right after a one-order write (a refit from the previous fit), median of 5 | ${seconds(reads.afterWriteMs)} |`,
  );
  say(`| again with nothing written (the fit kept) | ${ms(reads.keptMs)} |`);
  say();
}
