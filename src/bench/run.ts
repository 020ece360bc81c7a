// `npm run bench`: the figures the README quotes, rerunnable on any machine. Prints a report and
// writes it to bench/results.md. Not a test: it asserts nothing, it measures.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.js';
import { describeMachine } from './machine.js';
import { SEED_REQUEST } from '../vouchers/routes.js';
import { benchIngest, benchTopFromFile } from './events.js';
import { benchPipeline } from './pipeline.js';
import { compare, startProcess, stopProcess } from './serving.js';

const SEED_BODY = JSON.stringify(SEED_REQUEST);

const ROUNDS = 12;
const ROUND_SECONDS = 3;

const ms = (value: number) => `${value.toFixed(0)} ms`;

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  const wanted = (part: string) => values.only === undefined || values.only === part;
  const config = loadConfig();
  const lines: string[] = ['# Benchmark results', '', `Machine: ${await describeMachine()}`, `Run at: ${new Date().toISOString()}`, ''];
  const say = (line = '') => {
    console.log(line);
    lines.push(line);
  };

  if (wanted('pipeline')) await pipelineSection(config, say);
  if (wanted('serving')) await servingSection(config, say);
  if (wanted('events')) await eventsSection(config, say);
  if (values.only !== undefined) return;
  await mkdir('bench', { recursive: true });
  await writeFile('bench/results.md', `${lines.join('\n')}\n`);
  console.log('\nwritten to bench/results.md');
}

type Say = (line?: string) => void;

async function pipelineSection(config: Config, say: Say): Promise<void> {
  const pipeline = await benchPipeline(config.DATA_PATH, config.SQL_DIR, 5);
  say('## Pipeline (median of 5 refreshes after a warm-up)');
  say();
  say('| input | rows | floor: read every column | pipeline (SQL steps and checks) | whole refresh (and swap) | refresh / floor |');
  say('|---|---:|---:|---:|---:|---:|');
  say(`| ${pipeline.input} | ${pipeline.rows.toLocaleString('en')} | ${ms(pipeline.floorMs)} | ${ms(pipeline.pipelineMs)} | ${ms(pipeline.refreshMs)} | ${(pipeline.refreshMs / pipeline.floorMs).toFixed(1)}x |`);
  say();
}

async function servingSection(config: Config, say: Say): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-serving-'));
  const servicePort = 5600 + Math.floor(Math.random() * 300);
  const barePort = servicePort + 1;
  const service = await startProcess(
    'dist/server.js',
    { PORT: String(servicePort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DB_PATH: join(dir, 'warehouse.duckdb'), DATA_PATH: config.DATA_PATH, SQL_DIR: config.SQL_DIR },
    `http://127.0.0.1:${servicePort}/health`,
  );
  const bare = await startProcess('dist/bench/bare-server.js', { PORT: String(barePort) }, `http://127.0.0.1:${barePort}/bare`);
  try {
    const { figures, medianRatio } = await compare(
      [
        { name: 'bare Fastify route (constant)', url: `http://127.0.0.1:${barePort}/bare`, body: SEED_BODY },
        { name: 'POST /select-voucher (seed request)', url: `http://127.0.0.1:${servicePort}/select-voucher`, body: SEED_BODY },
      ],
      ROUNDS,
      ROUND_SECONDS,
    );
    say(`## Serving (autocannon, 16 connections, loopback, logging at warn; ${ROUNDS} alternating ${ROUND_SECONDS} s rounds)`);
    say();
    say('| route | requests/s | p50 | p99 | requests | failed |');
    say('|---|---:|---:|---:|---:|---:|');
    for (const f of figures) say(`| ${f.name} | ${f.requestsPerSecond.toFixed(0)} | ${f.p50Ms.toFixed(1)} ms | ${f.p99Ms.toFixed(1)} ms | ${f.requests} | ${f.failed} |`);
    say(`\n/select-voucher serves ${medianRatio.toFixed(2)} x the bare route's requests per second (median of the per-round ratios).`);
  } finally {
    await stopProcess(service);
    await stopProcess(bare);
    await rm(dir, { recursive: true, force: true });
  }
}

async function eventsSection(config: Config, say: Say): Promise<void> {
  const top = await benchTopFromFile(1_000_000, 3);
  say('## Lifetime value from an event file (`node dist/cli.js ltv top 10 --events FILE --json`, whole command, median of 3)');
  say();
  say('| events | file | floor: DuckDB reads every event | whole command | command / floor | peak memory |');
  say('|---:|---:|---:|---:|---:|---:|');
  say(`| ${top.events.toLocaleString('en')} | ${(top.bytes / 1e6).toFixed(0)} MB | ${ms(top.floorMs)} | ${ms(top.commandMs)} | ${(top.commandMs / top.floorMs).toFixed(1)}x | ${top.peakMemoryMb.toFixed(0)} MB |`);
  say();

  const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
  const port = 5900 + Math.floor(Math.random() * 90);
  const env = { PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DB_PATH: join(dir, 'warehouse.duckdb'), EVENTS_PATH: join(dir, 'events'), DATA_PATH: config.DATA_PATH, SQL_DIR: config.SQL_DIR };
  const service = await startProcess('dist/server.js', env, `http://127.0.0.1:${port}/health`);
  try {
    const ingest = await benchIngest(`http://127.0.0.1:${port}`, 200, 4);
    say('## Ingest over HTTP (`POST /events`, batches of 1,000 events, 4 in flight, each durable before its answer)');
    say();
    say('| events | batches | events/s | batch p50 | batch p99 | accepted |');
    say('|---:|---:|---:|---:|---:|---:|');
    say(`| ${ingest.events.toLocaleString('en')} | ${ingest.batches} | ${ingest.eventsPerSecond.toFixed(0)} | ${ms(ingest.p50BatchMs)} | ${ms(ingest.p99BatchMs)} | ${ingest.accepted.toLocaleString('en')} |`);
    say();
  } finally {
    await stopProcess(service);
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
