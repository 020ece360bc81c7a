// Owns what the server serves: the run that built the warehouse and each feature's part of it, swapped in
// one assignment after a successful refresh, so an answer always comes from exactly one run. DuckDB work
// runs in a pipeline worker process; this process never opens the warehouse. Knows no feature.
import { existsSync } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import { alreadyLogged, AppError } from '../errors.js';
import { RunLogReader } from '../warehouse/run-log.js';
import { WarehouseFollower, type WarehouseState } from './follower.js';
import type { Loaded, RefreshRequest } from './refresh.js';
import type { RunSummary } from './run-summary.js';
import type { ReadResult } from './worker-main.js';
import { runWorker } from './worker-process.js';

/** A feature's server side: how the part its pipeline loaded becomes what its routes read. */
export interface ServedFeature {
  readonly name: string;
  /** Builds the immutable structure the routes read, once per run. */
  prepare?(part: unknown, run: RunSummary): unknown;
}

/** What the server serves: one run, and every feature's part of it. Never mutated; replaced whole. */
export interface Served {
  run: RunSummary;
  /** When this server loaded it (UTC, ISO 8601). */
  loadedAt: string;
  parts: ReadonlyMap<string, unknown>;
}

export interface RefresherOptions {
  dbPath: string;
  sqlDir: string;
  /** Each feature's input (DATA_PATH for vouchers, EVENTS_PATH for the lifetime value). */
  inputs: Record<string, unknown>;
  features: readonly ServedFeature[];
  log: FastifyBaseLogger;
  /** How often to look for a warehouse file replaced by another process (ms); 0: never (the CLI). */
  followMs?: number;
}

export interface RefreshFailure {
  at: string;
  code: string;
  message: string;
  /** The failed run, when it was recorded in the run log. */
  run_id?: string;
  /** A later refresh that succeeded, so the failure no longer describes the warehouse. */
  superseded_by?: string;
  superseded_at?: string;
}

export class Refresher {
  #served: Served | undefined;
  /** The signature of the warehouse file being served (files.ts), and a count of swaps. */
  #signature: string | undefined;
  #generation = 0;
  #running = false;
  #lastFailure: RefreshFailure | undefined;
  readonly #runLog: RunLogReader;
  readonly #follower: WarehouseFollower;

  constructor(private readonly options: RefresherOptions) {
    this.#runLog = new RunLogReader(options.dbPath);
    this.#follower = new WarehouseFollower({
      dbPath: options.dbPath,
      intervalMs: options.followMs ?? 0,
      log: options.log,
      read: () => runWorker<ReadResult>({ kind: 'read', dbPath: options.dbPath, sqlDir: options.sqlDir }),
      servedSignature: () => this.#signature,
      generation: () => this.#generation,
      accept: (read, generation) => {
        if (generation !== this.#generation) return;
        if (read.summary.run_id !== this.#served?.run.run_id) {
          this.#swap(read);
          options.log.info(
            { run_id: read.summary.run_id },
            'the warehouse was replaced by another process; serving its run',
          );
        }
        this.#signature = read.signature;
      },
    });
  }

  /** Starts looking for warehouse files replaced by other processes (every followMs). */
  follow(): void {
    if ((this.options.followMs ?? 0) > 0) this.#follower.start();
  }

  stop(): void {
    this.#follower.stop();
  }

  /** The file at DB_PATH as this server last saw it: its run, and why it could not be read. */
  get warehouse(): Readonly<WarehouseState> {
    return this.#follower.state;
  }

  /** Every refresh recorded in the run log (any process's), oldest first. */
  runs(): Promise<readonly RunSummary[]> {
    return this.#runLog.runs();
  }

  /** What is being served; a 503 before start() has succeeded (buildApp awaits it, so only in theory). */
  get served(): Served {
    if (!this.#served) throw new AppError(503, 'NOT_READY', 'the warehouse has not been loaded yet', true);
    return this.#served;
  }

  /** One feature's part of what is served, as its prepare() made it. */
  part<T>(name: string): T {
    return this.served.parts.get(name) as T;
  }

  get running(): boolean {
    return this.#running;
  }

  /**
   * The latest failed refresh, by this process or any other (from the run log), and the success that
   * superseded it, if one did.
   */
  async lastFailure(): Promise<RefreshFailure | undefined> {
    const runs = await this.#runLog.runs().catch(() => [] as readonly RunSummary[]);
    const failed = runs.findLast((run) => run.status === 'failed');
    let failure: RefreshFailure | undefined = failed && {
      at: failed.finished_at,
      code: failed.error_code ?? 'UNKNOWN',
      message: failed.error_message ?? '',
      run_id: failed.run_id,
    };
    // A failure the log could not record (a full disk) is still reported.
    if (this.#lastFailure && (!failure || this.#lastFailure.at > failure.at)) failure = this.#lastFailure;
    if (!failure) return undefined;
    const after = runs.find((run) => run.status === 'succeeded' && run.finished_at > failure.at);
    return after ? { ...failure, superseded_by: after.run_id, superseded_at: after.finished_at } : failure;
  }

  /**
   * Cleans up after a crash, then serves the existing warehouse, or builds one if there is none (or it
   * cannot be read). While another process builds it (servers started together), waits for its result.
   */
  async start(): Promise<void> {
    const { dbPath, log } = this.options;
    if (!existsSync(dbPath)) {
      log.info(
        { db: dbPath, inputs: this.options.inputs },
        `no warehouse at ${dbPath} yet: building it from the inputs before serving (a few seconds for the sample)`,
      );
    }
    for (let waiting = false; ; waiting = true) {
      if (existsSync(dbPath) && (await this.#readExisting(waiting))) return;
      try {
        await this.refresh();
        return;
      } catch (error) {
        if (!(error instanceof AppError && error.code === 'REFRESH_IN_PROGRESS')) throw error;
      }
      if (!waiting) {
        log.info({ db: dbPath }, 'another process is building the warehouse; serving its result when it is done');
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  /** Serves the warehouse file as it is; false when it cannot be read (then it is rebuilt). */
  async #readExisting(quiet: boolean): Promise<boolean> {
    const { dbPath, sqlDir, log } = this.options;
    try {
      const read = await runWorker<ReadResult>({ kind: 'read', dbPath, sqlDir, cleanup: true });
      if (read.removed.length > 0) {
        log.warn({ removed: read.removed }, 'removed unfinished warehouse builds left by an earlier crash');
      }
      this.#swap(read);
      this.#follower.saw(read.summary.run_id);
      log.info({ run_id: read.summary.run_id, db: dbPath }, 'serving the existing warehouse');
      return true;
    } catch (error) {
      if (!quiet) {
        log.warn(
          { db: dbPath, reason: (error as Error).message },
          'the existing warehouse cannot be served; rebuilding it',
        );
      }
      return false;
    }
  }

  /** Runs the pipeline and swaps the new run in; a second call while one runs gets a 409. */
  async refresh(
    change: { inputs?: Record<string, unknown>; options?: Record<string, unknown> } = {},
  ): Promise<RunSummary> {
    if (this.#running) {
      throw new AppError(409, 'REFRESH_IN_PROGRESS', 'a refresh is already running; try again when it has finished');
    }
    this.#running = true;
    const request: RefreshRequest = {
      dbPath: this.options.dbPath,
      sqlDir: this.options.sqlDir,
      inputs: { ...this.options.inputs, ...change.inputs },
      options: change.options ?? {},
    };
    try {
      const loaded = await runWorker<Loaded>({ kind: 'refresh', request });
      this.#swap(loaded);
      this.#follower.saw(loaded.summary.run_id);
      this.options.log.info({ run: loaded.summary }, 'refresh succeeded');
      return loaded.summary;
    } catch (error) {
      const failure =
        error instanceof AppError
          ? error
          : new AppError(500, 'PIPELINE_FAILED', (error as Error).message, true, { cause: error });
      this.#lastFailure = { at: new Date().toISOString(), code: failure.code, message: failure.message };
      this.options.log.error(
        { code: failure.code, reason: failure.message, inputs: request.inputs },
        'refresh failed; still serving the previous warehouse',
      );
      throw alreadyLogged(failure);
    } finally {
      this.#running = false;
    }
  }

  /** Serves a run already loaded (tests that share one warehouse build). */
  serve(loaded: Loaded): void {
    this.#swap(loaded);
  }

  /** Prepares every feature's part, then serves them in one assignment. */
  #swap(loaded: Loaded): void {
    const parts = new Map<string, unknown>();
    for (const feature of this.options.features) {
      const part = feature.prepare
        ? feature.prepare(loaded.parts[feature.name], loaded.summary)
        : loaded.parts[feature.name];
      parts.set(feature.name, part);
    }
    this.#served = Object.freeze({ run: loaded.summary, loadedAt: new Date().toISOString(), parts });
    this.#signature = loaded.signature;
    this.#generation++;
  }
}
