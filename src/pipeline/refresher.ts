// Owns what the server serves: the current snapshot, swapped in one assignment after a successful
// refresh, and the one-refresh-at-a-time rule. Never holds a warehouse handle between calls.
import { existsSync } from 'node:fs';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.js';
import { AppError } from '../errors.js';
import { withDatabase } from '../warehouse/database.js';
import { removeLeftoverBuilds } from '../warehouse/files.js';
import { countryKey, latestRunId, loadVoucherSnapshot, type VoucherSnapshot } from '../vouchers/snapshot.js';
import { runPipeline, type RunSummary } from './run.js';

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
    private readonly config: Pick<Config, 'DATA_PATH' | 'DB_PATH' | 'SQL_DIR'>,
    private readonly log: FastifyBaseLogger,
  ) {}

  /** The snapshot being served; undefined only before start() has succeeded. */
  get snapshot(): VoucherSnapshot | undefined {
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
        this.#snapshot = await withDatabase(this.config.DB_PATH, { readOnly: true }, async (connection) => {
          const runId = await latestRunId(connection);
          if (!runId) throw new Error('it records no pipeline run');
          return loadVoucherSnapshot(connection, runId);
        });
        this.log.info({ run_id: this.#snapshot.runId, db: this.config.DB_PATH }, 'serving the existing warehouse');
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
      const { summary, loaded } = await runPipeline({
        inputPath,
        dbPath: this.config.DB_PATH,
        sqlDir: this.config.SQL_DIR,
        load: async (connection, run) => {
          const snapshot = await loadVoucherSnapshot(connection, run.run_id);
          const wanted = options.countryCode;
          if (wanted !== undefined && !snapshot.countries.has(countryKey(wanted))) {
            throw new AppError(422, 'UNKNOWN_COUNTRY', `the input has no clean rows for country_code ${JSON.stringify(wanted)}; nothing was changed`);
          }
          return snapshot;
        },
      });
      this.#snapshot = loaded;
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
