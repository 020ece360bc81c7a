// The server's side of the store worker: starts it (the built dist/store-worker.js), sends it commits and
// reads, and answers each caller with its own reply. A worker that dies fails what it was doing with a
// 503 and is started again; the server never loads DuckDB. Reads and commits are queued by the worker,
// so one computation at a time, whatever the number of clients. The top customers are kept between reads
// while the store's folder is unchanged (storeStamp), so a read that nothing can have changed costs no message.
import { fork, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.js';
import { AppError } from '../../errors.js';
import { projectPath } from '../../project-root.js';
import type { StoredEvent } from './event-store.js';
import type { StoreMessage, StoreReply, StoreRequest, StoreResults } from './worker-loop.js';

const WORKER_PATH = projectPath('dist/store-worker.js');

/**
 * Every event enters the store as a batch file renamed into its folder, which changes the folder's mtime: the
 * same folder (inode) with the same mtime holds the same events. Only once the folder has been quiet for longer
 * than the file system's clock granularity, though: a rename within the same tick as the last one would leave
 * the mtime as it was. Undefined when a read must go to the worker.
 */
const QUIET_MS = 100;
function storeStamp(dir: string): string | undefined {
  const stats = statSync(dir, { bigint: true, throwIfNoEntry: false });
  if (!stats || Date.now() - Number(stats.mtimeMs) < QUIET_MS) return undefined;
  return `${stats.ino}:${stats.mtimeNs}`;
}

interface Waiting {
  resolve: (result: unknown) => void;
  reject: (error: unknown) => void;
}

export class StoreClient {
  #worker: ChildProcess | undefined;
  #next = 0;
  readonly #waiting = new Map<number, Waiting>();
  #closed = false;
  /** The top customers by limit, asked while the store's folder had this stamp. */
  #tops: { stamp: string; byLimit: Map<number, Promise<StoreResults['top']>> } | undefined;

  constructor(
    private readonly config: Pick<Config, 'EVENTS_PATH' | 'SQL_DIR' | 'EVENTS_COMPACT_BATCHES' | 'LOG_LEVEL'>,
    private readonly log: FastifyBaseLogger,
  ) {}

  commit(events: StoredEvent[]): Promise<StoreResults['commit']> {
    return this.#send({ kind: 'commit', events }) as Promise<StoreResults['commit']>;
  }

  top(limit: number): Promise<StoreResults['top']> {
    // The stamp is taken before asking, so an answer is never kept under a stamp older than what it read.
    const stamp = storeStamp(this.config.EVENTS_PATH);
    const ask = () => this.#send({ kind: 'top', limit }) as Promise<StoreResults['top']>;
    if (stamp === undefined) return ask();
    if (this.#tops?.stamp !== stamp) this.#tops = { stamp, byLimit: new Map() };
    const { byLimit } = this.#tops;
    let answer = byLimit.get(limit);
    if (!answer) {
      answer = ask();
      byLimit.set(limit, answer);
      answer.catch(() => byLimit.delete(limit));
    }
    return answer;
  }

  /** The top customers by modelled value (the customer value model), and the fit they come from. */
  clv(limit: number, horizonWeeks: number): Promise<StoreResults['clv']> {
    return this.#send({ kind: 'clv', limit, horizonWeeks }) as Promise<StoreResults['clv']>;
  }

  compact(): Promise<StoreResults['compact']> {
    return this.#send({ kind: 'compact' }) as Promise<StoreResults['compact']>;
  }

  /** Starts the worker now, so it restores the state while the server starts. */
  start(): void {
    this.#ensure();
  }

  close(): void {
    this.#closed = true;
    this.#worker?.kill('SIGKILL');
  }

  #send(request: StoreRequest): Promise<unknown> {
    const worker = this.#ensure();
    const id = ++this.#next;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      worker.send({ id, request } satisfies StoreMessage);
    });
  }

  #ensure(): ChildProcess {
    if (this.#closed) throw new AppError(503, 'SHUTTING_DOWN', 'the server is shutting down', true);
    if (this.#worker) return this.#worker;
    const worker = fork(WORKER_PATH, [], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
      execArgv: [],
      env: {
        ...process.env,
        EVENTS_PATH: this.config.EVENTS_PATH,
        SQL_DIR: this.config.SQL_DIR,
        EVENTS_COMPACT_BATCHES: String(this.config.EVENTS_COMPACT_BATCHES),
        LOG_LEVEL: this.config.LOG_LEVEL,
      },
    });
    worker.on('message', (reply: StoreReply) => {
      const waiting = this.#waiting.get(reply.id);
      this.#waiting.delete(reply.id);
      if (!waiting) return;
      if (reply.ok) waiting.resolve(reply.result);
      else waiting.reject(new AppError(reply.error.statusCode, reply.error.code, reply.error.message, true));
    });
    worker.once('exit', (code, signal) => {
      if (this.#worker === worker) this.#worker = undefined;
      const failure = new AppError(
        503,
        'EVENT_STORE_UNAVAILABLE',
        `the event store worker ended (${signal ?? `exit code ${code}`}); try again`,
        true,
      );
      for (const waiting of this.#waiting.values()) waiting.reject(failure);
      this.#waiting.clear();
      if (!this.#closed) {
        this.log.error({ code, signal }, 'the event store worker ended; it starts again with the next request');
      }
    });
    this.#worker = worker;
    return worker;
  }
}
