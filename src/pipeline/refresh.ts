// A refresh: builds a new warehouse file beside the served one with every feature's SQL, runs the data
// checks, records the run, reads what the server serves, and only then swaps the file in. Every refresh,
// failed or not, is appended to the run log. It never changes the served warehouse until all has passed.
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../errors.js';
import { withDatabase } from '../warehouse/database.js';
import { buildPathFor, discardBuild, fileSignature, promoteBuild, removeBuilds } from '../warehouse/files.js';
import { lockRefresh } from '../warehouse/file-lock.js';
import { appendRun, runLogPath } from '../warehouse/run-log.js';
import { writeServed } from '../warehouse/served-file.js';
import type { FeatureRun, PipelineFeature } from './feature.js';
import { recordRun, runFigures } from './run-record.js';
import type { RunSummary } from './run-summary.js';
import { publishStep } from './progress.js';
import { readPipelineSql, type PipelineSql, type SqlFile } from './sql-files.js';
import { diskError, isDiskTrouble, runChecks, runStep } from './steps.js';

export interface RefreshRequest {
  dbPath: string;
  sqlDir: string;
  /** Each feature's input, by feature name (a path). */
  inputs: Record<string, unknown>;
  /** The refresh's options (POST /refresh's body); features read what they know. */
  options: Record<string, unknown>;
}

/** What a run hands the server: its summary, each feature's loaded part, and the file it was read from. */
export interface Loaded {
  summary: RunSummary;
  parts: Record<string, unknown>;
  /** The warehouse file's signature (files.ts) when it was read: how a server knows when it changes. */
  signature?: string;
}

/**
 * Attaches every feature's inputs and runs its steps and code, then every check. What an attach returns to
 * undo is added to `cleanups`, for the caller to run once the database is closed.
 */
export async function runFeatures(
  features: readonly PipelineFeature[],
  sql: PipelineSql,
  run: Omit<FeatureRun, 'input'> & { inputs: Record<string, unknown>; cleanups: (() => Promise<void>)[] },
): Promise<void> {
  const runOf = (feature: PipelineFeature): FeatureRun => ({
    connection: run.connection,
    runId: run.runId,
    options: run.options,
    input: run.inputs[feature.name],
  });
  const checks = sql.features.flatMap((read) => read.checks);
  const total = sql.features.reduce((sum, read) => sum + read.steps.length, checks.length);
  let index = 0;
  /** Runs one SQL file, reporting it to whoever watches the run's progress (progress.ts). */
  const timed = async (file: SqlFile, work: () => Promise<void>) => {
    const progress = { file: file.name, index: ++index, total };
    publishStep({ ...progress, phase: 'start' });
    const started = performance.now();
    await work();
    publishStep({ ...progress, phase: 'end', ms: performance.now() - started });
  };
  for (const feature of features) {
    const cleanup = await feature.attach?.(runOf(feature));
    if (cleanup) run.cleanups.push(cleanup);
  }
  for (const feature of features) {
    for (const step of sql.features.find((read) => read.feature === feature.name)?.steps ?? []) {
      await timed(step, () => runStep(run.connection, step));
    }
    await feature.compute?.(runOf(feature));
  }
  for (const check of checks) await timed(check, () => runChecks(run.connection, [check]));
}

/** Reads each feature's part of what the server serves from a warehouse connection. */
export async function loadParts(
  features: readonly PipelineFeature[],
  connection: DuckDBConnection,
  runId: string,
): Promise<Record<string, unknown>> {
  const parts: Record<string, unknown> = {};
  for (const feature of features) if (feature.load) parts[feature.name] = await feature.load(connection, runId);
  return parts;
}

function describeInputs(inputs: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, input]) => [name, typeof input === 'string' ? input : JSON.stringify(input)]),
  );
}

/** A file system error (no space, no permission, read-only) is the disk's trouble: 507, with what failed. */
function asDiskError(dbPath: string, error: unknown): unknown {
  if (!(error instanceof AppError) && isDiskTrouble(error)) return diskError(dbPath, error);
  return error;
}

async function lockWarehouse(dbPath: string): Promise<() => void> {
  try {
    await mkdir(dirname(dbPath), { recursive: true });
    return await lockRefresh(dbPath);
  } catch (error) {
    throw asDiskError(dbPath, error);
  }
}

/**
 * Runs the whole pipeline into a new file beside dbPath and swaps it in. On any failure the new file
 * is deleted and dbPath is left exactly as it was; the error says which input, file or check failed.
 */
export async function refresh(features: readonly PipelineFeature[], request: RefreshRequest): Promise<Loaded> {
  const startedAt = new Date();
  const runId = randomUUID();
  const unlock = await lockWarehouse(request.dbPath);
  const buildPath = buildPathFor(request.dbPath, runId);
  const cleanups: (() => Promise<void>)[] = [];
  const base: RunBase = {
    run_id: runId,
    started_at: startedAt.toISOString(),
    inputs: describeInputs(request.inputs),
    sql_checksum: '',
  };
  try {
    // Holding the lock, any other build file beside the warehouse is a dead refresh's.
    await removeBuilds(request.dbPath);
    const sql = await readPipelineSql(
      request.sqlDir,
      features.map((feature) => feature.name),
    );
    base.sql_checksum = sql.checksum;
    const loaded = await withDatabase(buildPath, {}, async (connection) => {
      await runFeatures(features, sql, {
        connection,
        runId,
        options: request.options,
        inputs: request.inputs,
        cleanups,
      });
      const figures = await runFigures(connection, sql);
      const summary = finish(base, 'succeeded', figures.values);
      const currentRun = `${buildPath}.run.ndjson`;
      await writeFile(currentRun, `${JSON.stringify(summary)}\n`);
      try {
        const logs = existsSync(runLogPath(request.dbPath)) ? [runLogPath(request.dbPath), currentRun] : [currentRun];
        await recordRun(connection, request.sqlDir, logs, figures.columns);
      } finally {
        await rm(currentRun, { force: true });
      }
      const parts = await loadParts(features, connection, runId);
      for (const feature of features) {
        feature.verify?.(
          { connection, runId, options: request.options, input: request.inputs[feature.name] },
          parts[feature.name],
        );
      }
      await connection.run('checkpoint');
      return { summary, parts };
    });
    if (existsSync(`${buildPath}.wal`)) {
      throw new AppError(500, 'PIPELINE_FAILED', `the build ${buildPath} was not fully written to disk`, true);
    }
    await promoteBuild(buildPath, request.dbPath);
    // Still holding the lock: no other refresh can have replaced the file since the rename.
    const signature = await fileSignature(request.dbPath);
    const served = { ...loaded, signature };
    // For the servers that follow the warehouse; without it they read the file with a worker, so a failure
    // to write it changes nothing else.
    await writeServed(request.dbPath, served).catch(() => undefined);
    await appendRun(request.dbPath, loaded.summary);
    return served;
  } catch (error) {
    await discardBuild(buildPath).catch(() => undefined);
    const failure = asDiskError(request.dbPath, error);
    const described =
      failure instanceof AppError
        ? failure
        : new AppError(500, 'PIPELINE_FAILED', (failure as Error).message, true, { cause: failure });
    await appendRun(request.dbPath, {
      ...finish(base, 'failed', {}),
      error_code: described.code,
      error_message: described.message,
    }).catch(() => undefined);
    throw described;
  } finally {
    for (const cleanup of cleanups) await cleanup().catch(() => undefined);
    unlock();
  }
}

type RunBase = Pick<RunSummary, 'run_id' | 'started_at' | 'inputs' | 'sql_checksum'>;

function finish(base: RunBase, status: RunSummary['status'], figures: Record<string, unknown>): RunSummary {
  const finishedAt = new Date();
  return {
    ...base,
    status,
    finished_at: finishedAt.toISOString(),
    duration_ms: finishedAt.getTime() - Date.parse(base.started_at),
    ...figures,
  };
}
