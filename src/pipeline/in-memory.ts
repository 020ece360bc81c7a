// Runs features' SQL steps and checks in an in-memory database over the given inputs (no file is written,
// the warehouse is not touched) and hands the connection to `read`: for answers computed from inputs
// alone, such as the lifetime values of one event file.
import type { DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { withDatabase } from '../warehouse/database.js';
import type { PipelineFeature } from './feature.js';
import { runFeatures } from './refresh.js';
import { readPipelineSql } from './sql-files.js';
import { runChecks, runStep } from './steps.js';

export async function runInMemory<T>(
  features: readonly PipelineFeature[],
  run: { sqlDir: string; inputs: Record<string, unknown> },
  read: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const sql = await readPipelineSql(
    run.sqlDir,
    features.map((feature) => feature.name),
  );
  const cleanups: (() => Promise<void>)[] = [];
  try {
    return await withDatabase(':memory:', {}, async (connection) => {
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
