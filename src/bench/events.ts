// Events: the whole `ltv top 10 --events FILE` command on generated files of 1 and 10 million events
// (beside the floor: DuckDB reading every event once), and the ingest rate of POST /events in batches
// of 1,000 to a running server.
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Config } from '../config.js';
import { queryRows, sqlString, withDatabase } from '../warehouse/database.js';
import { timedCommand } from './command.js';
import { eventFile } from './inputs.js';
import { startService, stopProcess } from './processes.js';
import { count, mb, ms, ratio, seconds, type Say, median } from './report.js';

interface TopFigures {
  events: number;
  bytes: number;
  runs: number;
  floorMs: number;
  commandMs: number;
  peakMemoryMb: number;
}

/** DuckDB reading every event of the file once: the floor of the top-X command. */
async function readFloor(path: string): Promise<{ events: number; ms: number }> {
  return withDatabase(':memory:', {}, async (connection) => {
    const started = performance.now();
    const [row] = await queryRows<{ n: number }>(
      connection,
      `select count(json)::double as n from read_json_objects(${sqlString(resolve(path))}, format = 'newline_delimited', ignore_errors = true)`,
    );
    return { events: row?.n ?? 0, ms: performance.now() - started };
  });
}

async function benchTopFromFile(events: number, runs: number): Promise<TopFigures> {
  const path = await eventFile(events);
  const { size: bytes } = await stat(path);
  const floors = [];
  const commands = [];
  for (let run = 0; run < runs; run++) {
    floors.push(await readFloor(path));
    commands.push(await timedCommand(['dist/cli.js', 'ltv', 'top', '10', '--events', path, '--json']));
  }
  return {
    events: floors[0]!.events,
    bytes,
    runs,
    floorMs: median(floors.map((f) => f.ms)),
    commandMs: median(commands.map((c) => c.ms)),
    peakMemoryMb: Math.max(...commands.map((c) => c.peakMb)),
  };
}

interface IngestFigures {
  events: number;
  batches: number;
  eventsPerSecond: number;
  p50BatchMs: number;
  p99BatchMs: number;
  accepted: number;
}

/** POSTs `batches` batches of 1,000 events from a generated file, `concurrency` at a time, to a running server. */
async function benchIngest(baseUrl: string, batches: number, concurrency: number): Promise<IngestFigures> {
  const lines = (await readFile(await eventFile(1_000_000), 'utf8')).split('\n', batches * 1000);
  const bodies = Array.from({ length: batches }, (_, i) => `[${lines.slice(i * 1000, (i + 1) * 1000).join(',')}]`);
  const latencies: number[] = [];
  let accepted = 0;
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < bodies.length) {
        const body = bodies[next++]!;
        const sent = performance.now();
        const response = await fetch(`${baseUrl}/events`, {
          method: 'POST',
          body,
          headers: { 'content-type': 'application/json' },
        });
        const result = (await response.json()) as { accepted: number };
        if (response.status !== 200) {
          throw new Error(`POST /events answered ${response.status}: ${JSON.stringify(result)}`);
        }
        latencies.push(performance.now() - sent);
        accepted += result.accepted;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    events: batches * 1000,
    batches,
    eventsPerSecond: (batches * 1000) / elapsed,
    p50BatchMs: latencies[Math.floor(latencies.length * 0.5)]!,
    p99BatchMs: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!,
    accepted,
  };
}

async function ingestOverHttp(config: Config): Promise<IngestFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
  const { child: service, base } = await startService(config, dir);
  try {
    return await benchIngest(base, 200, 4);
  } finally {
    await stopProcess(service);
    await rm(dir, { recursive: true, force: true });
  }
}

export async function eventsSection(config: Config, say: Say): Promise<void> {
  const tops = [await benchTopFromFile(1_000_000, 3), await benchTopFromFile(10_000_000, 1)];
  say(
    '## Lifetime value from an event file (`node dist/cli.js ltv top 10 --events FILE --json`, whole command, median of the runs)',
  );
  say();
  say(
    '| events | file | runs | floor: DuckDB reads every event | whole command | command / floor | per million events | peak memory |',
  );
  say('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const top of tops) {
    say(
      `| ${count(top.events)} | ${mb(top.bytes / 1e6)} | ${top.runs} | ${ms(top.floorMs)} | ${seconds(top.commandMs)} | ${ratio(top.commandMs / top.floorMs)} | ` +
        `${seconds(top.commandMs / (top.events / 1e6))} | ${mb(top.peakMemoryMb)} |`,
    );
  }
  const [small, large] = tops;
  if (small && large) {
    say(
      `\nFrom 1M to 10M events: ${ratio(large.events / small.events)} the events, ${ratio(large.commandMs / small.commandMs)} the time.`,
    );
  }
  say();

  const ingest = await ingestOverHttp(config);
  say('## Ingest over HTTP (`POST /events`, batches of 1,000 events, 4 in flight, each durable before its answer)');
  say();
  say('| events | batches | events/s | batch p50 | batch p99 | accepted |');
  say('|---:|---:|---:|---:|---:|---:|');
  say(
    `| ${count(ingest.events)} | ${ingest.batches} | ${ingest.eventsPerSecond.toFixed(0)} | ${ms(ingest.p50BatchMs)} | ${ms(ingest.p99BatchMs)} | ${count(ingest.accepted)} |`,
  );
  say();
}
