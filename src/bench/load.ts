// HTTP load for the serving benchmark: requests per second and latency of a route under autocannon
// (16 connections, loopback), the server's CPU time per request, and rounds that alternate several
// routes so the machine's drift (a shared VM's speed moves by tens of percent between seconds) hits
// them all alike.
import { readFile } from 'node:fs/promises';
import autocannon from 'autocannon';
import { median } from './report.js';

export interface Target {
  name: string;
  url: string;
  /** A POST with this JSON body; a GET without. */
  body?: string;
  /** The server process, whose CPU time is read around the load. */
  pid?: number;
}

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failed: number;
  /** The server's CPU time (user and system) per request answered, in µs; NaN without /proc. */
  cpuMicrosPerRequest: number;
}

export const CONNECTIONS = 16;

/** Clock ticks per second of /proc/<pid>/stat's times: 100 on Linux. */
const TICKS_PER_SECOND = 100;

/**
 * The CPU time a process has used so far, in ms. Unlike requests per second it hardly moves when other
 * work shares the machine, so it tells apart what a route costs from what the machine did meanwhile.
 */
async function cpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name: state is field 3, utime 14 and stime 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

export async function load(target: Target, seconds: number): Promise<LoadFigures> {
  const cpuBefore = await cpuMs(target.pid);
  const result = await autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: seconds,
    ...(target.body === undefined
      ? { method: 'GET' }
      : { method: 'POST', headers: { 'content-type': 'application/json' }, body: target.body }),
  });
  const cpu = (await cpuMs(target.pid)) - cpuBefore;
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failed: result.errors + result.timeouts + result.non2xx,
    cpuMicrosPerRequest: (cpu * 1000) / result.requests.total,
  };
}

/** Each target's figures, one per round, in the order of the targets. */
export type Rounds = LoadFigures[][];

/** Loads every target in turn, `rounds` times, for `seconds` each; a short warm-up of each first. */
export async function alternate(targets: Target[], rounds: number, seconds: number): Promise<Rounds> {
  for (const target of targets) await load(target, 1);
  const figures: Rounds = targets.map(() => []);
  for (let round = 0; round < rounds; round++) {
    for (const [index, target] of targets.entries()) figures[index]!.push(await load(target, seconds));
  }
  return figures;
}

/** Means over the rounds of one target (totals for the counts). */
export function summarize(rounds: LoadFigures[]): LoadFigures {
  const mean = (pick: (f: LoadFigures) => number) => rounds.reduce((sum, f) => sum + pick(f), 0) / rounds.length;
  return {
    requestsPerSecond: mean((f) => f.requestsPerSecond),
    p50Ms: mean((f) => f.p50Ms),
    p99Ms: mean((f) => f.p99Ms),
    requests: rounds.reduce((sum, f) => sum + f.requests, 0),
    failed: rounds.reduce((sum, f) => sum + f.failed, 0),
    cpuMicrosPerRequest: mean((f) => f.cpuMicrosPerRequest),
  };
}

/** The median over rounds of (requests/s of `of`) / (requests/s of `to`), each pair measured in the same round. */
export function medianRatio(of: LoadFigures[], to: LoadFigures[]): number {
  return median(of.map((figures, round) => figures.requestsPerSecond / to[round]!.requestsPerSecond));
}
