// Serving: /select-voucher and /customers/top-ltv beside bare Fastify routes answering constants of the
// same shape, at 16 connections; first on a quiet service, then while it refreshes again and again.
import { readFile, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { SEED_REQUEST } from '../vouchers/seed-request.js';
import { alternate, CONNECTIONS, medianRatio, summarize, type LoadFigures, type Rounds, type Target } from './load.js';
import { serviceEnv, startProcess, stopProcess } from './processes.js';
import { count, ms, type Say, median } from './report.js';

const QUIET_ROUNDS = 6;
const REFRESH_ROUNDS = 3;
const ROUND_SECONDS = 3;
/** What GET /customers/top-ltv ranks: the committed sample events, posted once before the load. */
const SAMPLE_EVENTS = 'data/sample-events.json';

/** Runs `work` while the service refreshes back to back; answers its result and the refreshes' count and median time. */
async function whileRefreshing<T>(
  baseUrl: string,
  work: () => Promise<T>,
): Promise<{ result: T; refreshes: number; refreshMs: number }> {
  let stopping = false;
  const durations: number[] = [];
  const refreshing = (async () => {
    while (!stopping) {
      const started = performance.now();
      const response = await fetch(`${baseUrl}/refresh`, { method: 'POST' });
      if (response.status !== 200) {
        throw new Error(`POST /refresh answered ${response.status}: ${await response.text()}`);
      }
      await response.arrayBuffer();
      durations.push(performance.now() - started);
    }
  })();
  try {
    return { result: await work(), refreshes: durations.length, refreshMs: median(durations) };
  } finally {
    stopping = true;
    await refreshing;
  }
}

async function postSampleEvents(baseUrl: string): Promise<number> {
  const response = await fetch(`${baseUrl}/events`, {
    method: 'POST',
    body: await readFile(SAMPLE_EVENTS),
    headers: { 'content-type': 'application/json' },
  });
  const result = (await response.json()) as { accepted: number };
  if (response.status !== 200) throw new Error(`POST /events answered ${response.status}: ${JSON.stringify(result)}`);
  // The first read computes the lifetime values; the ones measured are answered from memory.
  const top = await fetch(`${baseUrl}/customers/top-ltv?limit=10`);
  if (top.status !== 200 || ((await top.json()) as unknown[]).length !== 10) {
    throw new Error('GET /customers/top-ltv did not answer 10 customers');
  }
  return result.accepted;
}

function table(say: Say, targets: Target[], rounds: Rounds, pairs: [number, number][], quiet?: Rounds): void {
  say(
    `| route | requests/s | p50 | p99 | requests | failed | server CPU per request | / bare route |${quiet ? ' / same route, quiet |' : ''}`,
  );
  say(`|---|---:|---:|---:|---:|---:|---:|---:|${quiet ? '---:|' : ''}`);
  const ratioOf = new Map(pairs.map(([of, to]) => [of, medianRatio(rounds[of]!, rounds[to]!)]));
  for (const [index, target] of targets.entries()) {
    const f: LoadFigures = summarize(rounds[index]!);
    const toBare = ratioOf.get(index);
    const toQuiet = quiet ? (f.requestsPerSecond / summarize(quiet[index]!).requestsPerSecond).toFixed(2) : undefined;
    say(
      `| ${target.name} | ${f.requestsPerSecond.toFixed(0)} | ${f.p50Ms.toFixed(1)} ms | ${f.p99Ms.toFixed(1)} ms | ${count(f.requests)} | ${f.failed} | ${f.cpuMicrosPerRequest.toFixed(0)} µs | ` +
        `${toBare === undefined ? '' : toBare.toFixed(2)} |${toQuiet === undefined ? '' : ` ${toQuiet} |`}`,
    );
  }
}

export async function servingSection(config: Config, say: Say): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-serving-'));
  const servicePort = 5600 + Math.floor(Math.random() * 300);
  const barePort = servicePort + 1;
  const service = `http://127.0.0.1:${servicePort}`;
  const bare = `http://127.0.0.1:${barePort}`;
  const serviceProcess = await startProcess(
    'dist/server.js',
    serviceEnv(config, dir, servicePort),
    `${service}/health`,
  );
  const bareProcess = await startProcess(
    'dist/bench/bare-server.js',
    { PORT: String(barePort) },
    `${bare}/bare-top-ltv`,
  );
  try {
    const events = await postSampleEvents(service);
    const body = JSON.stringify(SEED_REQUEST);
    const [servicePid, barePid] = [serviceProcess.pid, bareProcess.pid];
    const targets: Target[] = [
      { name: 'bare Fastify POST (constant)', url: `${bare}/bare`, body, pid: barePid },
      { name: 'POST /select-voucher (seed request)', url: `${service}/select-voucher`, body, pid: servicePid },
      { name: 'bare Fastify GET (constant top 10)', url: `${bare}/bare-top-ltv`, pid: barePid },
      {
        name: `GET /customers/top-ltv?limit=10 (${count(events)} events)`,
        url: `${service}/customers/top-ltv?limit=10`,
        pid: servicePid,
      },
    ];
    // Each service route against the bare route of its own kind, measured in the same round.
    const pairs: [number, number][] = [
      [1, 0],
      [3, 2],
    ];
    const quiet = await alternate(targets, QUIET_ROUNDS, ROUND_SECONDS);
    const busy = await whileRefreshing(service, () => alternate(targets, REFRESH_ROUNDS, ROUND_SECONDS));

    say(
      `## Serving (autocannon, ${CONNECTIONS} connections, loopback, logging at warn; ${QUIET_ROUNDS} rounds of ${ROUND_SECONDS} s alternating the four routes)`,
    );
    say();
    table(say, targets, quiet, pairs);
    say();
    say(
      '"/ bare route" is the median over rounds of the route\'s requests per second divided by its bare counterpart\'s in the same round;',
    );
    say(
      '"server CPU per request" is the CPU time (user and system) of the server process over the requests it answered.',
    );
    say();
    say(
      `### While a refresh runs (${REFRESH_ROUNDS} rounds; ${busy.refreshes} refreshes of the sample back to back, median ${ms(busy.refreshMs)} each)`,
    );
    say();
    table(say, targets, busy.result, pairs, quiet);
    say();
  } finally {
    await stopProcess(serviceProcess);
    await stopProcess(bareProcess);
    await rm(dir, { recursive: true, force: true });
  }
}
