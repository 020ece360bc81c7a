// Serving benchmark: requests per second and latency of a route under autocannon (16 connections,
// loopback), each server in its own process so the load generator never shares its event loop.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { median } from './median.js';
import autocannon from 'autocannon';

export interface ServingFigures {
  name: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  failed: number;
}

export interface Target {
  name: string;
  url: string;
  body: string;
}

export async function startProcess(script: string, env: Record<string, string>, readyUrl: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script], { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    try {
      await fetch(readyUrl, { method: readyUrl.endsWith('/health') ? 'GET' : 'POST', body: readyUrl.endsWith('/health') ? undefined : '{}', headers: { 'content-type': 'application/json' } });
      return child;
    } catch {
      await new Promise((done) => setTimeout(done, 100));
    }
  }
  child.kill('SIGKILL');
  throw new Error(`${script} did not answer ${readyUrl} within 60 s`);
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

export async function load(target: Target, seconds: number): Promise<ServingFigures> {
  const result = await autocannon({
    url: target.url,
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: target.body,
    connections: 16,
    duration: seconds,
  });
  return {
    name: target.name,
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failed: result.errors + result.timeouts + result.non2xx,
  };
}

export interface Comparison {
  figures: ServingFigures[];
  /** Median over rounds of (second target's requests/s) / (first target's), each pair measured back to back. */
  medianRatio: number;
}

/**
 * Alternates the targets (A B A B ...) in many short rounds after a warm-up each, so that the
 * machine's drift (a shared VM's speed moves by tens of percent between seconds) hits both alike,
 * and reports the median of the per-round ratios next to the means.
 */
export async function compare(targets: [Target, Target], rounds: number, seconds: number): Promise<Comparison> {
  for (const target of targets) await load(target, 2);
  const runs: [ServingFigures[], ServingFigures[]] = [[], []];
  for (let round = 0; round < rounds; round++) {
    runs[0].push(await load(targets[0], seconds));
    runs[1].push(await load(targets[1], seconds));
  }
  const ratios = runs[1].map((second, index) => second.requestsPerSecond / runs[0][index]!.requestsPerSecond).sort((a, b) => a - b);
  const summarize = (target: Target, figures: ServingFigures[]): ServingFigures => {
    const mean = (pick: (f: ServingFigures) => number) => figures.reduce((sum, f) => sum + pick(f), 0) / figures.length;
    return {
      name: target.name,
      requestsPerSecond: mean((f) => f.requestsPerSecond),
      p50Ms: mean((f) => f.p50Ms),
      p99Ms: mean((f) => f.p99Ms),
      requests: figures.reduce((sum, f) => sum + f.requests, 0),
      failed: figures.reduce((sum, f) => sum + f.failed, 0),
    };
  };
  return { figures: [summarize(targets[0], runs[0]), summarize(targets[1], runs[1])], medianRatio: median(ratios) };
}
