// HTTP load for the serving benchmark: requests per second and latency of a route under autocannon
// (16 connections, loopback), and rounds that alternate several routes so the machine's drift (a
// shared VM's speed moves by tens of percent between seconds) hits them all alike.
import autocannon from 'autocannon';
import { median } from './median.js';

export interface Target {
  name: string;
  url: string;
  /** A POST with this JSON body; a GET without. */
  body?: string;
}

export interface LoadFigures {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failed: number;
}

export const CONNECTIONS = 16;

export async function load(target: Target, seconds: number): Promise<LoadFigures> {
  const result = await autocannon({
    url: target.url,
    connections: CONNECTIONS,
    duration: seconds,
    ...(target.body === undefined ? { method: 'GET' } : { method: 'POST', headers: { 'content-type': 'application/json' }, body: target.body }),
  });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failed: result.errors + result.timeouts + result.non2xx,
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
  };
}

/** The median over rounds of (requests/s of `of`) / (requests/s of `to`), each pair measured in the same round. */
export function medianRatio(of: LoadFigures[], to: LoadFigures[]): number {
  return median(of.map((figures, round) => figures.requestsPerSecond / to[round]!.requestsPerSecond));
}
