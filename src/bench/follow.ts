// Following the warehouse: three servers on one warehouse file under load; a refresh made by another
// process (`npm run refresh`) renames a new file into place, and each server notices and serves its run.
// Measured: the time from the rename (seen by polling the file's inode every 2 ms) to each server's
// /health naming the new run (polled every 10 ms).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { SEED_REQUEST } from '../vouchers/seed-request.js';
import { serviceEnv, startProcess, stopProcess } from './processes.js';
import { count, median, ms, type Say } from './report.js';

const SERVERS = 3;
const ROUNDS = 6;

async function healthRun(url: string): Promise<string> {
  return ((await (await fetch(`${url}/health`)).json()) as { run_id: string }).run_id;
}

export async function followSection(config: Config, say: Say): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-follow-'));
  const dbPath = join(dir, 'warehouse.duckdb');
  const base = 5500 + Math.floor(Math.random() * 80);
  const env = (port: number) => serviceEnv(config, dir, port);
  const urls = Array.from({ length: SERVERS }, (_, i) => `http://127.0.0.1:${base + i}`);
  const servers = [];
  try {
    for (const [i, url] of urls.entries()) {
      servers.push(await startProcess('dist/server.js', env(base + i), `${url}/health`));
    }
    // Two clients per server ask for vouchers without pause throughout.
    let loading = true;
    let answered = 0;
    let failed = 0;
    const body = JSON.stringify(SEED_REQUEST);
    const load = urls.flatMap((url) =>
      [0, 1].map(async () => {
        while (loading) {
          const response = await fetch(`${url}/select-voucher`, {
            method: 'POST',
            body,
            headers: { 'content-type': 'application/json' },
          });
          await response.arrayBuffer();
          if (response.status === 200) answered++;
          else failed++;
        }
      }),
    );
    const lags: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const before = await healthRun(urls[0]!);
      const inode = (await stat(dbPath)).ino;
      const refresh = spawn(process.execPath, ['dist/cli.js', 'refresh'], {
        env: { ...process.env, ...env(0) },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let stderr = '';
      refresh.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      const exited = once(refresh, 'exit');
      let renamedAt = 0;
      while (renamedAt === 0) {
        if ((await stat(dbPath)).ino !== inode) renamedAt = performance.now();
        else if (refresh.exitCode !== null) throw new Error(`npm run refresh failed: ${stderr}`);
        else await new Promise((resolve) => setTimeout(resolve, 2));
      }
      const servedAt = await Promise.all(
        urls.map(async (url) => {
          while ((await healthRun(url)) === before) await new Promise((resolve) => setTimeout(resolve, 10));
          return performance.now();
        }),
      );
      lags.push(Math.max(...servedAt) - renamedAt);
      await exited;
    }
    loading = false;
    await Promise.all(load);
    lags.sort((a, b) => a - b);
    say(
      `## Following the warehouse (${SERVERS} servers on one file, 2 clients each asking for vouchers without pause)`,
    );
    say();
    say(
      '| refreshes by `npm run refresh` | rename to every server serving it: median | slowest | voucher requests answered meanwhile | failed |',
    );
    say('|---:|---:|---:|---:|---:|');
    say(`| ${ROUNDS} | ${ms(median(lags))} | ${ms(lags[lags.length - 1]!)} | ${count(answered)} | ${failed} |`);
    say();
  } finally {
    for (const server of servers) await stopProcess(server);
    await rm(dir, { recursive: true, force: true });
  }
}
