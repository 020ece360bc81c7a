// The pipeline runner: builds a new warehouse file from the input with the SQL in sql/, runs the data
// checks, records the run, reads what the caller serves, and only then swaps the file in.
// It never changes the warehouse being served until every step and check has passed.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../errors.js';
import { firstLine, queryRows, sqlString, withDatabase } from '../warehouse/database.js';
import { buildPathFor, discardBuild, promoteBuild, removeOtherBuilds } from '../warehouse/files.js';
import { lockRefresh } from '../warehouse/refresh-lock.js';
import type { RunSummary } from './run-summary.js';
import { attachEventInput, attachVoucherInput, type EventSource } from './inputs.js';
import { readPipeline, type Pipeline, type SqlFile } from './sql-files.js';

export interface RunOptions<T> {
  inputPath: string;
  eventsPath: string;
  dbPath: string;
  sqlDir: string;
  /** Reads what the caller needs from the finished build, before it is swapped in; may reject the run by throwing. */
  load: (connection: DuckDBConnection, summary: RunSummary) => Promise<T>;
}

async function inputSize(inputPath: string): Promise<number> {
  try {
    const info = await stat(inputPath);
    if (!info.isFile()) throw new AppError(422, 'INPUT_UNREADABLE', `input is not a file: ${inputPath}`);
    return info.size;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(422, 'INPUT_NOT_FOUND', `input file not found: ${inputPath} (${(error as Error).message})`);
  }
}

const DISK_TROUBLE = /no space left|permission denied|read-only file system|quota exceeded|EACCES|ENOSPC|EROFS|EDQUOT/i;

function diskError(where: string, error: unknown): AppError {
  return new AppError(507, 'WAREHOUSE_WRITE_FAILED', `cannot write the warehouse (${where}): ${firstLine(error)}`, true, { cause: error });
}

/** Sorts a failed statement's error: the disk, the input file (DuckDB's IO and invalid-input errors), or the SQL itself. */
function stepError(file: string, error: unknown): AppError {
  const message = firstLine(error);
  if (DISK_TROUBLE.test(message)) return diskError(file, error);
  if (/^(IO|Invalid( Input)?) Error/.test(message)) return new AppError(422, 'INPUT_UNREADABLE', `${file}: ${message}`, true, { cause: error });
  return new AppError(500, 'PIPELINE_FAILED', `${file}: ${message}`, true, { cause: error });
}

async function runStep(connection: DuckDBConnection, file: SqlFile): Promise<void> {
  try {
    await connection.run(file.text);
  } catch (error) {
    throw stepError(`sql/${file.name}`, error);
  }
}

async function runChecks(connection: DuckDBConnection, checks: SqlFile[]): Promise<void> {
  for (const check of checks) {
    let offending: Record<string, unknown>[];
    try {
      offending = await queryRows(connection, check.text);
    } catch (error) {
      throw stepError(`sql/${check.name}`, error);
    }
    if (offending.length > 0) {
      const sample = JSON.stringify(offending.slice(0, 3));
      throw new AppError(422, 'DATA_CHECK_FAILED', `data check sql/${check.name} failed: ${offending.length} offending row(s), e.g. ${sample}`);
    }
  }
}

/** Carries the run history over from the warehouse being replaced, when there is one that can be read. */
async function carryHistory(connection: DuckDBConnection, dbPath: string): Promise<void> {
  if (!existsSync(dbPath)) return;
  try {
    await connection.run(`attach ${sqlString(resolve(dbPath))} as previous (read_only)`);
    try {
      await connection.run('insert into pipeline_runs by name select * from previous.pipeline_runs');
    } finally {
      await connection.run('detach previous');
    }
  } catch {
    // The previous file is locked by a writer or predates this table: the history starts again here.
  }
}

interface RunFacts {
  runId: string;
  startedAt: Date;
  inputPath: string;
  inputBytes: number;
  eventsPath: string;
  checksum: string;
}

async function recordRun(connection: DuckDBConnection, run: RunFacts): Promise<RunSummary> {
  const params = {
    run_id: run.runId,
    started_at: run.startedAt.toISOString(),
    finished_at: new Date().toISOString(),
    input_path: resolve(run.inputPath),
    input_bytes: run.inputBytes,
    events_path: resolve(run.eventsPath),
    sql_checksum: run.checksum,
  };
  await connection.run(
    `insert into pipeline_runs
     select
         $run_id, $started_at::timestamptz, $finished_at::timestamptz, 'succeeded', $input_path, $input_bytes::bigint,
         sum(input_rows), coalesce(sum(input_rows) filter (is_kept), 0), coalesce(sum(input_rows) filter (not is_kept), 0),
         coalesce((select map(list(rule), list(rows)) from data_quality where effect = 'rejected'), map()),
         coalesce((select map(list(rule), list(rows)) from data_quality where effect <> 'rejected'), map()),
         $sql_checksum, $events_path,
         (select count(*) from int_events), (select count(*) from latest_events), (select count(*) from customer_ltv)
     from voucher_assignment_counts`,
    params,
  );
  const [row] = await queryRows<Omit<RunSummary, 'rejected_by_rule' | 'excluded_by_rule'> & { rejected: string; excluded: string }>(
    connection,
    `select
         run_id, status,
         strftime(started_at, '%Y-%m-%dT%H:%M:%S.%gZ') as started_at,
         strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%gZ') as finished_at,
         date_diff('millisecond', started_at, finished_at)::integer as duration_ms,
         input_path, input_bytes::double as input_bytes,
         rows_read::integer as rows_read, rows_kept::integer as rows_kept, rows_rejected::integer as rows_rejected,
         to_json(rejected_by_rule)::varchar as rejected, to_json(excluded_by_rule)::varchar as excluded,
         (select count(*) from segment_vouchers)::integer as segment_vouchers,
         events_path, events_read::integer as events_read,
         latest_events::integer as latest_events, customers::integer as customers,
         sql_checksum
     from pipeline_runs where run_id = $run_id`,
    { run_id: run.runId },
  );
  if (!row) throw new AppError(500, 'PIPELINE_FAILED', `run ${run.runId} was not recorded`, true);
  const { rejected, excluded, ...summary } = row;
  return { ...summary, rejected_by_rule: JSON.parse(rejected), excluded_by_rule: JSON.parse(excluded) };
}

/** Runs every step of the pipeline, in order, then every check; the first failure stops it. */
async function runSteps(connection: DuckDBConnection, pipeline: Pipeline): Promise<void> {
  for (const step of pipeline.steps) await runStep(connection, step);
  await runChecks(connection, pipeline.checks);
}

/**
 * Runs the whole pipeline into a new file beside dbPath and swaps it in. On any failure the new file
 * is deleted and dbPath is left exactly as it was; the error says which input, file or check failed.
 */
export async function runPipeline<T>(options: RunOptions<T>): Promise<{ summary: RunSummary; loaded: T }> {
  const startedAt = new Date();
  const pipeline = await readPipeline(options.sqlDir);
  const inputBytes = await inputSize(options.inputPath);
  const unlock = await lockWarehouse(options.dbPath);
  const runId = randomUUID();
  const buildPath = buildPathFor(options.dbPath, runId);
  try {
    // Holding the lock, any other build file beside the warehouse is a dead refresh's.
    await removeOtherBuilds(options.dbPath);
    const result = await withDatabase(buildPath, {}, async (connection) => {
      await attachVoucherInput(connection, options.inputPath);
      await attachEventInput(connection, { store: options.eventsPath });
      await runSteps(connection, pipeline);
      await runStep(connection, pipeline.runsTable);
      await carryHistory(connection, options.dbPath);
      const summary = await recordRun(connection, { ...options, runId, startedAt, inputBytes, checksum: pipeline.checksum });
      const loaded = await options.load(connection, summary);
      await connection.run('checkpoint');
      return { summary, loaded };
    });
    if (existsSync(`${buildPath}.wal`)) throw new AppError(500, 'PIPELINE_FAILED', `the build ${buildPath} was not fully written to disk`, true);
    await promoteBuild(buildPath, options.dbPath);
    return result;
  } catch (error) {
    await discardBuild(buildPath).catch(() => undefined);
    throw asDiskError(options.dbPath, error);
  } finally {
    await unlock().catch(() => undefined);
  }
}

/** A file system error (no space, no permission, read-only) is the disk's trouble: 507, with what failed. */
function asDiskError(dbPath: string, error: unknown): unknown {
  if (error instanceof AppError) return error;
  if (DISK_TROUBLE.test(String((error as Error).message)) || (error as NodeJS.ErrnoException).code) return diskError(dbPath, error);
  return error;
}

/** Makes the warehouse folder and takes the cross-process refresh lock (409 while another refresh runs). */
async function lockWarehouse(dbPath: string): Promise<() => Promise<void>> {
  try {
    await mkdir(dirname(dbPath), { recursive: true });
    return await lockRefresh(dbPath);
  } catch (error) {
    throw asDiskError(dbPath, error);
  }
}

/**
 * Runs the lifetime value steps and checks alone over the events of the store or of one file, in memory
 * (no file is written, the warehouse is not touched), and hands the result to `read`: the CLI's and the API's LTV.
 */
export async function runLtvInMemory<T>(options: { events: EventSource; sqlDir: string; read: (connection: DuckDBConnection) => Promise<T> }): Promise<T> {
  const pipeline = await readPipeline(options.sqlDir, ['ltv']);
  return withDatabase(':memory:', {}, async (connection) => {
    await attachEventInput(connection, options.events);
    await runSteps(connection, pipeline);
    return options.read(connection);
  });
}
