// Owns what the server serves: the run that built the warehouse and each feature's part of it, swapped in
// one assignment after a successful refresh, so an answer always comes from exactly one run. DuckDB work
// runs in a pipeline worker process; this process never opens the warehouse. Knows no feature.
import { existsSync } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import { alreadyLogged, AppError } from '../errors.js';
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
}

export interface RefreshFailure {
  at: string;
  code: string;
  message: string;
}

export class Refresher {
  #served: Served | undefined;
  #running = false;
  #lastFailure: RefreshFailure | undefined;

  constructor(private readonly options: RefresherOptions) {}

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

  get lastFailure(): RefreshFailure | undefined {
    return this.#lastFailure;
  }

  /** Cleans up after a crash, then serves the existing warehouse, or builds one if there is none (or it cannot be read). */
  async start(): Promise<void> {
    const { dbPath, sqlDir, log } = this.options;
    if (existsSync(dbPath)) {
      try {
        const read = await runWorker<ReadResult>({ kind: 'read', dbPath, sqlDir, cleanup: true });
        if (read.removed.length > 0) {
          log.warn({ removed: read.removed }, 'removed unfinished warehouse builds left by an earlier crash');
        }
        this.#swap(read);
        log.info({ run_id: read.summary.run_id, db: dbPath }, 'serving the existing warehouse');
        return;
      } catch (error) {
        log.warn({ err: error, db: dbPath }, 'the existing warehouse cannot be served; rebuilding it');
      }
    } else {
      log.info(
        { db: dbPath, inputs: this.options.inputs },
        `no warehouse at ${dbPath} yet: building it from the inputs before serving (a few seconds for the sample)`,
      );
    }
    await this.refresh();
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
  }
}
