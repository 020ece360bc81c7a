// Owns what the server serves: the current snapshot, swapped in one assignment after a successful
// refresh, and the one-refresh-at-a-time rule. DuckDB work runs in a pipeline worker process; this
// process never opens the warehouse.
import { existsSync } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { removeLeftoverBuilds } from '../warehouse/files.js';
import { buildSnapshot, type VoucherSnapshot } from '../vouchers/snapshot.js';
import type { RunSummary } from './run-summary.js';
import type { LtvAnswers } from '../ltv/ltv-answers.js';
import { runWorker } from './worker-process.js';

export interface RefreshOptions {
  inputPath?: string;
  /** The seed's { country_code }: the refresh fails, and nothing changes, unless the new data has this country. */
  countryCode?: string;
}

export interface RefreshFailure {
  at: string;
  code: string;
  message: string;
}

export class Refresher {
  #snapshot: VoucherSnapshot | undefined;
  #running = false;
  #lastFailure: RefreshFailure | undefined;

  constructor(
    private readonly config: Pick<Config, 'DATA_PATH' | 'DB_PATH' | 'EVENTS_PATH' | 'SQL_DIR'>,
    private readonly log: FastifyBaseLogger,
    /** Where a refresh's lifetime values go, in the server; the CLI has none. */
    private readonly ltv?: LtvAnswers,
  ) {}

  /** The snapshot being served; a 503 before start() has succeeded (buildApp awaits it, so only in theory). */
  get snapshot(): VoucherSnapshot {
    if (!this.#snapshot) throw new AppError(503, 'NOT_READY', 'the warehouse has not been loaded yet', true);
    return this.#snapshot;
  }

  get running(): boolean {
    return this.#running;
  }

  get lastFailure(): RefreshFailure | undefined {
    return this.#lastFailure;
  }

  /** Cleans up after a crash, then serves the existing warehouse, or builds one if there is none (or it cannot be read). */
  async start(): Promise<void> {
    const removed = await removeLeftoverBuilds(this.config.DB_PATH);
    if (removed.length > 0) this.log.warn({ removed }, 'removed unfinished warehouse builds left by an earlier crash');
    if (existsSync(this.config.DB_PATH)) {
      try {
        const snapshot = buildSnapshot((await runWorker({ kind: 'read', dbPath: this.config.DB_PATH })).rows);
        this.#snapshot = snapshot;
        this.log.info({ run_id: snapshot.runId, db: this.config.DB_PATH }, 'serving the existing warehouse');
        return;
      } catch (error) {
        this.log.warn({ err: error, db: this.config.DB_PATH }, 'the existing warehouse cannot be served; rebuilding it');
      }
    }
    await this.refresh();
  }

  /** Runs the pipeline and swaps the new snapshot in; a second call while one runs gets a 409. */
  async refresh(options: RefreshOptions = {}): Promise<RunSummary> {
    if (this.#running) throw new AppError(409, 'REFRESH_IN_PROGRESS', 'a refresh is already running; try again when it has finished');
    this.#running = true;
    const inputPath = options.inputPath ?? this.config.DATA_PATH;
    try {
      const eventsVersion = this.ltv?.eventsVersion;
      const { summary, rows, topLtv } = await runWorker({
        kind: 'refresh',
        inputPath,
        eventsPath: this.config.EVENTS_PATH,
        dbPath: this.config.DB_PATH,
        sqlDir: this.config.SQL_DIR,
        countryCode: options.countryCode,
      });
      this.#snapshot = buildSnapshot(rows);
      if (eventsVersion !== undefined) this.ltv?.offer(eventsVersion, topLtv);
      this.log.info({ run: summary }, 'refresh succeeded');
      return summary;
    } catch (error) {
      const failure = error instanceof AppError ? error : new AppError(500, 'PIPELINE_FAILED', (error as Error).message, true, { cause: error });
      this.#lastFailure = { at: new Date().toISOString(), code: failure.code, message: failure.message };
      this.log.error({ err: error, input: inputPath }, 'refresh failed; still serving the previous warehouse');
      throw failure;
    } finally {
      this.#running = false;
    }
  }
}
