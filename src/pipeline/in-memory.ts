// Runs features' SQL steps and checks in a database of its own over the given inputs (the warehouse is not
// touched) and hands the connection to `read`: for answers computed from inputs alone, such as the
// lifetime values of one event file. In memory, or, `onDisk`, in a scratch file removed afterwards, so that
// DuckDB can move tables out of memory (the tables of a file of ten million events do not fit in 2 GB).
import type { DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withDatabase } from '../warehouse/database.js';
import type { PipelineFeature } from './feature.js';
import { runFeatures } from './refresh.js';
import { readPipelineSql } from './sql-files.js';
import { runChecks, runStep } from './steps.js';

export async function runInMemory<T>(
  features: readonly PipelineFeature[],
  run: { sqlDir: string; inputs: Record<string, unknown>; onDisk?: boolean },
  read: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const sql = await readPipelineSql(
    run.sqlDir,
    features.map((feature) => feature.name),
  );
  const cleanups: (() => Promise<void>)[] = [];
  let path = ':memory:';
  if (run.onDisk) {
    const scratch = await mkdtemp(join(tmpdir(), 'pipeline-scratch-'));
    cleanups.push(() => rm(scratch, { recursive: true, force: true }));
    path = join(scratch, 'scratch.duckdb');
  }
  try {
    return await withDatabase(path, {}, async (connection) => {
      await runFeatures(features, sql, { connection, runId: randomUUID(), options: {}, inputs: run.inputs, cleanups });
      return read(connection);
    });
  } finally {
    for (const cleanup of cleanups) await cleanup();
  }
}

/** Runs one feature's SQL steps and checks on a connection whose inputs are already attached. */
export async function runFeatureSql(connection: DuckDBConnection, sqlDir: string, feature: string): Promise<void> {
  const [sql] = (await readPipelineSql(sqlDir, [feature])).features;
  for (const step of sql?.steps ?? []) await runStep(connection, step);
  await runChecks(connection, sql?.checks ?? []);
}
