// The servers a benchmark talks to, each in its own process so the load generator never shares their
// event loop: started, awaited until they answer, and stopped. Only processes started here are stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Config } from '../config.js';

const START_TIMEOUT_MS = 120_000;

/** Answers once `url` answers anything at all (the server is listening), or throws after START_TIMEOUT_MS. */
async function untilAnswering(url: string, child?: ChildProcess): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < START_TIMEOUT_MS) {
    if (child && child.exitCode !== null) throw new Error(`the process for ${url} exited with ${child.exitCode}`);
    try {
      await fetch(url);
      return performance.now() - started;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }
  throw new Error(`${url} did not answer within ${START_TIMEOUT_MS / 1000} s`);
}

/** Starts `node script` with `env` added and waits until `readyUrl` answers. */
export async function startProcess(
  script: string,
  env: Record<string, string>,
  readyUrl: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, [script], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  try {
    await untilAnswering(readyUrl, child);
    return child;
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
}

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  await exited;
}

/** The environment of the service (or a command) with its warehouse and event store in `dir`, logging at warn. */
export function serviceEnv(
  config: Pick<Config, 'DATA_PATH' | 'SQL_DIR'>,
  dir: string,
  port?: number,
): Record<string, string> {
  return {
    ...(port === undefined ? {} : { PORT: String(port) }),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ADMIN_TOKEN: '',
    DB_PATH: join(dir, 'warehouse.duckdb'),
    EVENTS_PATH: join(dir, 'events'),
    DATA_PATH: config.DATA_PATH,
    SQL_DIR: config.SQL_DIR,
  };
}

/** The service (dist/server.js) on a free-looking port, with its warehouse and event store in `dir`. */
export async function startService(
  config: Pick<Config, 'DATA_PATH' | 'SQL_DIR'>,
  dir: string,
): Promise<{ child: ChildProcess; base: string }> {
  const port = 5900 + Math.floor(Math.random() * 90);
  const base = `http://127.0.0.1:${port}`;
  return { child: await startProcess('dist/server.js', serviceEnv(config, dir, port), `${base}/health`), base };
}
