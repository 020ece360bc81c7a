// The real server process (`node dist/server.js`, as `npm start` runs it) for the reliability suite:
// started on a free loopback port with a test's configuration, talked to over HTTP, killed or stopped.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readdir, readFile, readlink } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import type { Test } from 'tap';
import type { Config } from '../../src/config.js';

const OUTPUT_KEPT = 64 * 1024;
const START_TIMEOUT_MS = 60_000;

export interface ServerProcess {
  url: string;
  child: ChildProcess;
  /** The end of what the server has logged (pino's JSON lines). */
  output: () => string;
  /** Resolves once the server's output matches `pattern` (what it logs reaches this process after its answers may). */
  logged: (pattern: RegExp) => Promise<void>;
  /** Resolves with the exit code and signal once the process has ended. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Runs the server through this command (for example `unshare ... sh -c '... exec "$@"' sh`). */
  wrapper?: string[];
  /** Its own process group, so `process.kill(-pid)` reaches the pipeline worker too. */
  detached?: boolean;
}

/**
 * Whether process `pid` itself listens on `port`, from /proc: a port free a moment ago can be taken by another
 * test's server before this one, which builds its warehouse first, gets to listen on it; a /health answer alone
 * could then come from that other server.
 */
async function listensOn(pid: number, port: number): Promise<boolean> {
  let sockets: Set<string>;
  try {
    const fds = await readdir(`/proc/${pid}/fd`);
    const links = await Promise.all(fds.map((fd) => readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')));
    sockets = new Set(links.map((link) => /^socket:\[(\d+)\]$/.exec(link)?.[1]).filter((inode) => inode !== undefined));
  } catch {
    // Cannot tell (no /proc, or not allowed to look): the /health answer has to do, as before.
    return true;
  }
  const table = await readFile(`/proc/${pid}/net/tcp`, 'utf8');
  return table
    .split('\n')
    .slice(1)
    .map((line) => line.trim().split(/\s+/))
    .some(
      ([, local, , state, , , , , , inode]) =>
        state === '0A' && Number.parseInt(local?.split(':')[1] ?? '', 16) === port && sockets.has(inode ?? ''),
    );
}

/** A port that was free a moment ago: the server is told it, so it can log at any level. */
async function freePort(): Promise<number> {
  const probe = createServer();
  probe.listen(0, '127.0.0.1');
  await once(probe, 'listening');
  const { port } = probe.address() as AddressInfo;
  probe.close();
  await once(probe, 'close');
  return port;
}

/** How often a server whose port another process took first is started again on another port. */
const PORT_ATTEMPTS = 3;

/** Starts the built server with `config` on a free port and resolves once /health answers; it is SIGKILLed at the end of the test. */
export async function startServer(t: Test, config: Config, options: StartOptions = {}): Promise<ServerProcess> {
  for (let attempt = 1; ; attempt++) {
    const started = await startOnce(t, config, options);
    if (started !== 'port taken') return started;
    if (attempt === PORT_ATTEMPTS) throw new Error(`another process took the free port ${PORT_ATTEMPTS} times`);
  }
}

async function startOnce(t: Test, config: Config, options: StartOptions): Promise<ServerProcess | 'port taken'> {
  const port = await freePort();
  const env = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATA_PATH: config.DATA_PATH,
    DB_PATH: config.DB_PATH,
    EVENTS_PATH: config.EVENTS_PATH,
    SQL_DIR: config.SQL_DIR,
    LOG_LEVEL: 'warn',
    ...(config.ADMIN_TOKEN ? { ADMIN_TOKEN: config.ADMIN_TOKEN } : {}),
    ...options.env,
  };
  const command = [...(options.wrapper ?? []), process.execPath, 'dist/server.js'];
  const child = spawn(command[0]!, command.slice(1), {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached,
  });
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  t.teardown(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  let output = '';
  const waiting = new Set<{ pattern: RegExp; resolve: () => void }>();
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_KEPT);
    for (const waiter of waiting) {
      if (waiter.pattern.test(output)) {
        waiting.delete(waiter);
        waiter.resolve();
      }
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const logged = (pattern: RegExp) =>
    new Promise<void>((resolve) => {
      if (pattern.test(output)) resolve();
      else waiting.add({ pattern, resolve });
    });
  const url = `http://127.0.0.1:${port}`;
  let ended = false;
  void exited.then(() => (ended = true));
  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (ended) {
      // It built its warehouse first, and the port was free when picked: another process may have taken it.
      if (/EADDRINUSE/.test(output)) return 'port taken';
      throw new Error(`the server ended (exit ${child.exitCode ?? child.signalCode}) before it answered:\n${output}`);
    }
    if (Date.now() > deadline) throw new Error(`the server did not answer within ${START_TIMEOUT_MS} ms:\n${output}`);
    try {
      if ((await fetch(`${url}/health`)).ok && (await listensOn(child.pid!, port))) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { url, child, output: () => output, logged, exited };
}

export interface Answer {
  status: number;
  body: any;
}

/** One request; the body is sent as JSON unless it is already a string (sent as is, with the given content type). */
export async function request(
  url: string,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
    (init.headers as Record<string, string>)['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${url}${path}`, init);
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: kept as text, so a failing assertion shows what came back.
  }
  return { status: response.status, body: parsed };
}

/** The resident memory of a process, in bytes, from /proc. */
export async function residentBytes(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1]) * 1024;
}

/** Whether the suite runs at stress scale (`npm run test:stress`) rather than as part of `npm test`. */
export const STRESS = process.env.STRESS === '1';
