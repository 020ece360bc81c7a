// Start-up: the time from `npm start` to the first answer of POST /select-voucher with an existing
// warehouse (a restart, the usual case), beside `node dist/server.js` started directly (npm's share).
// Each start is its own process group, stopped as a whole: npm, its shell and the server it started.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { SEED_REQUEST } from '../vouchers/seed-request.js';
import { timedCommand } from './command.js';
import { serviceEnv } from './processes.js';
import { ms, type Say, median } from './report.js';

const RUNS = 5;
const TIMEOUT_MS = 60_000;

/** Starts `command`, answers the time until POST /select-voucher answers 200, then stops the whole group. */
async function timeToFirstAnswer(
  command: string,
  args: string[],
  env: Record<string, string>,
  port: number,
): Promise<number> {
  const url = `http://127.0.0.1:${port}/select-voucher`;
  const body = JSON.stringify(SEED_REQUEST);
  const started = performance.now();
  const child = spawn(command, args, {
    env: { ...process.env, ...env, PORT: String(port) },
    detached: true,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = once(child, 'exit');
  try {
    while (performance.now() - started < TIMEOUT_MS) {
      if (child.exitCode !== null) {
        throw new Error(`${command} ${args.join(' ')} exited with ${child.exitCode} before answering`);
      }
      const status = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json' } }).then(
        (response) => response.status,
        () => 0,
      );
      if (status === 200) return performance.now() - started;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    throw new Error(`${command} ${args.join(' ')} did not answer within ${TIMEOUT_MS / 1000} s`);
  } finally {
    if (child.exitCode === null && child.pid !== undefined) process.kill(-child.pid, 'SIGTERM');
    await exited;
  }
}

export async function startupSection(config: Config, say: Say): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-startup-'));
  try {
    const env = serviceEnv(config, dir);
    await timedCommand(['dist/cli.js', 'refresh'], env);
    const port = 6200 + Math.floor(Math.random() * 300);
    const npm: number[] = [];
    const node: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      npm.push(await timeToFirstAnswer('npm', ['start'], env, port + 2 * run));
      node.push(await timeToFirstAnswer(process.execPath, ['dist/server.js'], env, port + 2 * run + 1));
    }
    say(
      `## Start-up with an existing warehouse (to the first 200 of POST /select-voucher; median of ${RUNS}, alternating)`,
    );
    say();
    say('| command | median | fastest | slowest |');
    say('|---|---:|---:|---:|');
    for (const [name, times] of [
      ['`npm start`', npm],
      ['`node dist/server.js`', node],
    ] as const) {
      say(`| ${name} | ${ms(median(times))} | ${ms(Math.min(...times))} | ${ms(Math.max(...times))} |`);
    }
    say();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
