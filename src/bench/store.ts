// The event store at 10 thousand, 1 million and 10 million events: a read of the top customers right after
// a write (one event, and a batch of 1,000), the server's memory, `ltv top` and a refresh from the store, the
// compacted store's size, and ingest over HTTP while reads run. Each store is built once into bench/tmp
// (ingested as `npm run ingest` does, then compacted) and copied for each server, so runs start alike.
import { cp, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { readEventFile } from '../ltv/event-file.js';
import { ingest } from '../ltv/ingest.js';
import { EventStore } from '../ltv/store/event-store.js';
import { timedCommand } from './command.js';
import { eventFile } from './inputs.js';
import { startService, stopProcess } from './processes.js';
import { count, mb, median, ms, ratio, seconds, type Say } from './report.js';

/** Bumped when the store's files change shape, so a kept store is built again. */
const STORE_FORMAT = 1;
const SIZES = [10_000, 1_000_000, 10_000_000];

interface BuiltStore {
  dir: string;
  events: number;
  /** The batch files' bytes before compaction: the store as NDJSON. */
  ndjsonBytes: number;
  compactedBytes: number;
  buildMs: number;
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const entry of await readdir(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) total += (await stat(join(entry.parentPath, entry.name))).size;
  }
  return total;
}

/** A compacted store of about `events` events, built once into bench/tmp and kept. */
async function builtStore(events: number, sqlDir: string): Promise<BuiltStore> {
  const dir = join('bench/tmp', `store-${events}-v${STORE_FORMAT}`);
  const marker = join(dir, 'built.json');
  if (existsSync(marker)) {
    // A store kept from before snapshots existed gets one, as a server's first start would write it.
    if (!existsSync(join(dir, 'events', 'state', 'current'))) {
      await (await EventStore.open(join(dir, 'events'), sqlDir)).snapshotIfDue();
    }
    return { dir, ...JSON.parse(await readFile(marker, 'utf8')) };
  }
  await rm(dir, { recursive: true, force: true });
  console.log(`building the event store ${dir}, kept for later runs`);
  const started = performance.now();
  const store = await EventStore.open(join(dir, 'events'), sqlDir);
  let accepted = 0;
  for await (const values of readEventFile(await eventFile(events))) accepted += (await ingest(store, values)).accepted;
  const ndjsonBytes = await folderBytes(join(dir, 'events'));
  while ((await store.pendingBatches()) > 0) await store.compact(40);
  await store.snapshotIfDue();
  const built = {
    events: accepted,
    ndjsonBytes,
    compactedBytes: await folderBytes(join(dir, 'events', 'compacted')),
    buildMs: performance.now() - started,
  };
  await writeFile(marker, JSON.stringify(built));
  console.log(`  built in ${seconds(built.buildMs)}`);
  return { dir, ...built };
}

/** Resident memory of a process and of its children (the store worker), in MB, from ps. */
function residentMb(pid: number): { own: number; children: number } {
  const own =
    Number(
      execFileSync('ps', ['-o', 'rss=', '-p', String(pid)])
        .toString()
        .trim(),
    ) / 1024;
  const children = execFileSync('ps', ['-o', 'rss=', '--ppid', String(pid)])
    .toString()
    .split('\n')
    .filter((line) => line.trim() !== '')
    .reduce((sum, line) => sum + Number(line) / 1024, 0);
  return { own, children };
}

let nextOrder = 0;
/** A batch of new orders for existing customers of the generated data (their ids are the customers'). */
function orders(customers: string[], n: number): string {
  return JSON.stringify(
    Array.from({ length: n }, () => {
      const id = ++nextOrder;
      return {
        type: 'ORDER',
        verb: 'NEW',
        key: `bench-${process.pid}-${id}`,
        event_time: '2017-03-01T12:00:00.000Z',
        customer_id: customers[id % customers.length],
        total_amount: `${(id % 500) + 1}.00 USD`,
      };
    }),
  );
}

interface ReadFigures {
  events: number;
  readyMs: number;
  oneEventMs: number;
  oneEventP99Ms: number;
  batchMs: number;
  serverMb: number;
  workerMb: number;
  sameAsCli: boolean;
}

/** Starts a server on a copy of the store; measures reads right after writes and its memory. */
async function readsAfterWrites(store: BuiltStore, config: Config, say: Say): Promise<ReadFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-store-'));
  try {
    await cp(join(store.dir, 'events'), join(dir, 'events'), { recursive: true });
    const { child: service, base } = await startService(config, dir);
    try {
      const started = performance.now();
      const top = (await (await fetch(`${base}/customers/top-ltv?limit=100`)).json()) as { customer_id: string }[];
      const readyMs = performance.now() - started;
      const customers = top.map((row) => row.customer_id);
      const timedRead = async (body: string) => {
        await fetch(`${base}/events`, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then(
          (r) => r.arrayBuffer(),
        );
        const sent = performance.now();
        await (await fetch(`${base}/customers/top-ltv?limit=10`)).arrayBuffer();
        return performance.now() - sent;
      };
      const single: number[] = [];
      for (let i = 0; i < 40; i++) single.push(await timedRead(orders(customers, 1)));
      const batch: number[] = [];
      for (let i = 0; i < 10; i++) batch.push(await timedRead(orders(customers, 1000)));
      single.sort((a, b) => a - b);
      const memory = residentMb(service.pid!);
      const served = await (await fetch(`${base}/customers/top-ltv?limit=100`)).json();
      await stopProcess(service);
      const cli = await timedCommand(['dist/cli.js', 'ltv', 'top', '100', '--json'], {
        EVENTS_PATH: join(dir, 'events'),
        SQL_DIR: config.SQL_DIR,
      });
      const sameAsCli = JSON.stringify(served) === JSON.stringify(JSON.parse(cli.stdout));
      say(`- ${count(store.events)} events: ready to read in ${ms(readyMs)} (restoring the state from the store)`);
      return {
        events: store.events,
        readyMs,
        oneEventMs: median(single),
        oneEventP99Ms: single[Math.floor(single.length * 0.99)]!,
        batchMs: median(batch),
        serverMb: memory.own,
        workerMb: memory.children,
        sameAsCli,
      };
    } finally {
      await stopProcess(service);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** POSTs batches of 1,000 events while `readers` clients read the top customers without pause. */
async function ingestWhileReading(
  config: Config,
  readers: number,
): Promise<{ eventsPerSecond: number; reads: number }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
  const { child: service, base } = await startService(config, dir);
  try {
    const lines = (await readFile(await eventFile(1_000_000), 'utf8')).split('\n', 200_000);
    const bodies = Array.from({ length: 200 }, (_, i) => `[${lines.slice(i * 1000, (i + 1) * 1000).join(',')}]`);
    let reading = true;
    let reads = 0;
    const readerLoops = Array.from({ length: readers }, async () => {
      while (reading) {
        await (await fetch(`${base}/customers/top-ltv?limit=10`)).arrayBuffer();
        reads++;
      }
    });
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < bodies.length) {
          const response = await fetch(`${base}/events`, {
            method: 'POST',
            body: bodies[next++]!,
            headers: { 'content-type': 'application/json' },
          });
          if (response.status !== 200) {
            throw new Error(`POST /events answered ${response.status}: ${await response.text()}`);
          }
          await response.arrayBuffer();
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    reading = false;
    await Promise.all(readerLoops);
    return { eventsPerSecond: 200_000 / elapsed, reads };
  } finally {
    await stopProcess(service);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function storeSection(config: Config, say: Say): Promise<void> {
  const stores: BuiltStore[] = [];
  for (const size of SIZES) stores.push(await builtStore(size, config.SQL_DIR));
  say('## The event store: reads right after writes, memory, and commands over the store');
  say();
  const reads: ReadFigures[] = [];
  for (const store of stores) reads.push(await readsAfterWrites(store, config, say));
  say();
  say(
    '| events | read after 1 event: p50 | p99 | read after 1,000 events: p50 | server memory | store worker memory | top 100 served = `ltv top 100` |',
  );
  say('|---:|---:|---:|---:|---:|---:|---|');
  for (const read of reads) {
    say(
      `| ${count(read.events)} | ${ms(read.oneEventMs)} | ${ms(read.oneEventP99Ms)} | ${ms(read.batchMs)} | ${mb(read.serverMb)} | ${mb(read.workerMb)} | ${read.sameAsCli ? 'yes' : '**no**'} |`,
    );
  }
  const [small, , large] = reads;
  if (small && large) {
    say(
      `\nRead after one event, ${count(large.events)} events against ${count(small.events)}: ${ratio(large.oneEventMs / small.oneEventMs)}.`,
    );
  }
  say();
  say(
    '| events | stored as NDJSON | compacted parquet | compacted / NDJSON | `ltv top 10` from the store | peak memory | `npm run refresh` with the store | peak memory |',
  );
  say('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const store of stores) {
    const env = { EVENTS_PATH: join(store.dir, 'events'), SQL_DIR: config.SQL_DIR };
    const top = await timedCommand(['dist/cli.js', 'ltv', 'top', '10', '--json'], env);
    const db = join(await mkdtemp(join(tmpdir(), 'bench-refresh-')), 'warehouse.duckdb');
    const refresh = await timedCommand(['dist/cli.js', 'refresh', '--db', db], { ...env, DATA_PATH: config.DATA_PATH });
    await rm(join(db, '..'), { recursive: true, force: true });
    say(
      `| ${count(store.events)} | ${mb(store.ndjsonBytes / 1e6)} | ${mb(store.compactedBytes / 1e6)} | ${(store.compactedBytes / store.ndjsonBytes).toFixed(2)} | ` +
        `${seconds(top.ms)} | ${mb(top.peakMb)} | ${seconds(refresh.ms)} | ${mb(refresh.peakMb)} |`,
    );
  }
  say();
  const quiet = await ingestWhileReading(config, 0);
  const busy = await ingestWhileReading(config, 2);
  say('| ingest over HTTP (200 batches of 1,000, 4 in flight) | events/s | reads answered meanwhile |');
  say('|---|---:|---:|');
  say(`| alone | ${quiet.eventsPerSecond.toFixed(0)} | |`);
  say(
    `| with 2 clients reading the top 10 without pause | ${busy.eventsPerSecond.toFixed(0)} | ${count(busy.reads)} |`,
  );
  say();
}
