// Runs features' SQL steps and checks in an in-memory database over the given inputs (no file is written,
// the warehouse is not touched) and hands the connection to `read`: for answers computed from inputs
// alone, such as the lifetime values of one event file.
import type { DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import { withDatabase } from '../warehouse/database.js';
import type { PipelineFeature } from './feature.js';
import { runFeatures } from './refresh.js';
import { readPipelineSql } from './sql-files.js';

export async function runInMemory<T>(
  features: readonly PipelineFeature[],
  run: { sqlDir: string; inputs: Record<string, unknown> },
  read: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const sql = await readPipelineSql(
    run.sqlDir,
    features.map((feature) => feature.name),
  );
  return withDatabase(':memory:', {}, async (connection) => {
    await runFeatures(features, sql, { connection, runId: randomUUID(), options: {}, inputs: run.inputs });
    return read(connection);
  });
}
