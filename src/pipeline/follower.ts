// Following the warehouse: a refresh made by any process (another server, `npm run refresh`, a scheduled
// job) replaces the warehouse file with a rename. This notices by polling the file's signature (a stat:
// cheap, and reliable on every file system and across containers sharing a volume, where file watches
// are not), has a worker read the file, and hands what it read to the refresher. It never opens DuckDB.
import type { FastifyBaseLogger } from 'fastify';
import { fileSignature } from '../warehouse/files.js';
import { readServed } from '../warehouse/served-file.js';
import type { Loaded } from './refresh.js';
import type { ReadResult } from './worker-main.js';

/** The file at DB_PATH as this server last saw it. */
export interface WarehouseState {
  /** The run that built it, as last read; undefined until read. */
  runId: string | undefined;
  checkedAt: string | undefined;
  /** Why the file now at DB_PATH could not be read (still serving the run before it). */
  error: { at: string; message: string } | undefined;
}

export interface FollowerOptions {
  dbPath: string;
  intervalMs: number;
  log: FastifyBaseLogger;
  /** Reads what the file at DB_PATH serves, in a worker. */
  read: () => Promise<ReadResult>;
  /** The signature of the file being served, so a change made by this process is not read again. */
  servedSignature: () => string | undefined;
  /** Serves what was read, unless something newer was served since `generation`. */
  accept: (read: Loaded, generation: number) => void;
  generation: () => number;
}

/** How long a new file may go without its refresh's served file before a worker reads the file itself. */
const SERVED_FILE_WAIT_MS = 1_000;

/** A file that could not be read is tried again when it changes, or after this long (a writer's lock may go). */
const RETRY_MS = [1_000, 2_000, 5_000, 10_000, 30_000];

export class WarehouseFollower {
  readonly state: WarehouseState = { runId: undefined, checkedAt: undefined, error: undefined };
  #timer: NodeJS.Timeout | undefined;
  #reading = false;
  #failed: { signature: string; retryAt: number; failures: number } | undefined;
  /** When the file now in place was first seen. */
  #changed: { signature: string; at: number } | undefined;

  constructor(private readonly options: FollowerOptions) {}

  start(): void {
    this.#timer = setInterval(() => {
      void this.check();
    }, this.options.intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  /** Records the run in the file this process itself just wrote or read. */
  saw(runId: string): void {
    Object.assign(this.state, { runId, checkedAt: new Date().toISOString(), error: undefined });
    this.#failed = undefined;
  }

  /** One poll: reads the file if it is not the one served (and not one that just failed, unless it is time to retry). */
  async check(): Promise<void> {
    if (this.#reading) return;
    const signature = await fileSignature(this.options.dbPath);
    if (signature === undefined || signature === this.options.servedSignature()) return;
    if (this.#failed?.signature === signature && Date.now() < this.#failed.retryAt) return;
    const generation = this.options.generation();
    // A refresh writes what its file serves beside it right after the rename (served-file.ts): no worker needed.
    const served = await readServed(this.options.dbPath, signature);
    if (served) {
      this.saw(served.summary.run_id);
      this.options.accept(served, generation);
      return;
    }
    // A file without it was put in place by hand, or its refresh is about to write it: give it a moment.
    if (this.#changed?.signature !== signature) this.#changed = { signature, at: Date.now() };
    if (Date.now() - this.#changed.at < SERVED_FILE_WAIT_MS) return;
    this.#reading = true;
    try {
      const read = await this.options.read();
      this.saw(read.summary.run_id);
      this.options.accept(read, generation);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const failures = this.#failed?.signature === signature ? this.#failed.failures + 1 : 1;
      this.#failed = { signature, failures, retryAt: Date.now() + RETRY_MS[Math.min(failures, RETRY_MS.length) - 1]! };
      this.state.error = { at: new Date().toISOString(), message };
      this.state.checkedAt = this.state.error.at;
      if (failures === 1) {
        this.options.log.warn(
          { db: this.options.dbPath, reason: message },
          'the warehouse file changed but cannot be read; still serving the run before it',
        );
      }
    } finally {
      this.#reading = false;
    }
  }
}
