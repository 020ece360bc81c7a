// Events benchmarks: the whole `ltv top 10 --events FILE` command on generated files (beside the floor:
// DuckDB reading every event once), and the ingest rate of POST /events in batches of 1,000.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { generateEventSample } from '../ltv/sample.js';
import { queryRows, sqlString, withDatabase } from '../warehouse/database.js';
import { median } from './median.js';

/** Scale 1 of the sample generator writes about 29,000 events. */
const EVENTS_PER_SCALE = 29_080;

export interface TopFigures {
  events: number;
  bytes: number;
  floorMs: number;
  commandMs: number;
  peakMemoryMb: number;
}

/** A generated NDJSON file of about `events` events, kept in bench/tmp between runs (it is deterministic). */
export async function eventFile(events: number): Promise<string> {
  const path = `bench/tmp/events-${events}.ndjson`;
  if (!existsSync(path)) await generateEventSample({ scale: events / EVENTS_PER_SCALE, outPath: path, format: 'ndjson' });
  return path;
}

/** Runs a command to its end; returns its wall time and peak resident memory (from GNU time when present). */
async function timed(args: string[]): Promise<{ ms: number; peakMb: number }> {
  const useTime = existsSync('/usr/bin/time');
  const started = performance.now();
  const child = spawn(useTime ? '/usr/bin/time' : process.execPath, useTime ? ['-f', '%M', process.execPath, ...args] : args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`${args.join(' ')} failed: ${stderr.slice(-500)}`);
  const peakKb = Number(/(\d+)\s*$/.exec(stderr)?.[1] ?? 0);
  return { ms, peakMb: peakKb / 1024 };
}

export async function benchTopFromFile(events: number, runs: number): Promise<TopFigures> {
  const path = await eventFile(events);
  const { size: bytes } = await stat(path);
  const count = await withDatabase(':memory:', {}, async (connection) => {
    const floors: number[] = [];
    let rows = 0;
    for (let run = 0; run < runs; run++) {
      const started = performance.now();
      const [row] = await queryRows<{ n: number }>(connection, `select count(json)::double as n from read_json_objects(${sqlString(resolve(path))}, format = 'newline_delimited', ignore_errors = true)`);
      floors.push(performance.now() - started);
      rows = row?.n ?? 0;
    }
    return { rows, floorMs: median(floors) };
  });
  const commands = [];
  for (let run = 0; run < runs; run++) commands.push(await timed(['dist/cli.js', 'ltv', 'top', '10', '--events', path, '--json']));
  return { events: count.rows, bytes, floorMs: count.floorMs, commandMs: median(commands.map((c) => c.ms)), peakMemoryMb: Math.max(...commands.map((c) => c.peakMb)) };
}

export interface IngestFigures {
  events: number;
  batches: number;
  eventsPerSecond: number;
  p50BatchMs: number;
  p99BatchMs: number;
  accepted: number;
}

/** POSTs `batches` batches of 1,000 events from a generated file, `concurrency` at a time, to a running server. */
export async function benchIngest(baseUrl: string, batches: number, concurrency: number): Promise<IngestFigures> {
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
        const response = await fetch(`${baseUrl}/events`, { method: 'POST', body, headers: { 'content-type': 'application/json' } });
        const result = (await response.json()) as { accepted: number };
        if (response.status !== 200) throw new Error(`POST /events answered ${response.status}: ${JSON.stringify(result)}`);
        latencies.push(performance.now() - sent);
        accepted += result.accepted;
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return {
    events: batches * 1000,
    batches,
    eventsPerSecond: (batches * 1000) / seconds,
    p50BatchMs: latencies[Math.floor(latencies.length * 0.5)]!,
    p99BatchMs: latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!,
    accepted,
  };
}
