// The summary of one refresh, as POST /refresh answers it, `npm run refresh` prints it, the run log keeps
// it and pipeline_runs holds it: the runner's fields, then each feature's figures (its run_summary.sql).
// One TypeBox schema for the runner's part, with its type derived from it; features add theirs.
import { Type, type Static, type TProperties } from '@sinclair/typebox';

export const RunFields = {
  run_id: Type.String(),
  status: Type.Unsafe<'succeeded' | 'failed'>({ type: 'string', enum: ['succeeded', 'failed'] }),
  started_at: Type.String({ description: 'UTC, ISO 8601' }),
  finished_at: Type.String({ description: 'UTC, ISO 8601' }),
  duration_ms: Type.Integer(),
  sql_checksum: Type.String({ description: 'sha256 of every SQL file the run executed' }),
  inputs: Type.Record(Type.String(), Type.String(), { description: 'what each feature read, by feature' }),
  error_code: Type.Optional(Type.String({ description: 'a failed run: why, as the refresh answered it' })),
  error_message: Type.Optional(Type.String()),
};

export const RunBase = Type.Object(RunFields);

/** A run: the runner's fields and the features' figures (whose names and types their SQL decides). */
export type RunSummary = Static<typeof RunBase> & Record<string, unknown>;

/** The DuckDB type of each of the runner's fields in pipeline_runs. */
export const RUN_COLUMNS: Record<keyof typeof RunFields, string> = {
  run_id: 'VARCHAR',
  status: 'VARCHAR',
  started_at: 'TIMESTAMPTZ',
  finished_at: 'TIMESTAMPTZ',
  duration_ms: 'INTEGER',
  sql_checksum: 'VARCHAR',
  inputs: 'MAP(VARCHAR, VARCHAR)',
  error_code: 'VARCHAR',
  error_message: 'VARCHAR',
};

/** The summary's schema with the figures the served features declare, so responses keep them. */
export function runSummarySchema(figures: TProperties[]) {
  return Type.Object({
    ...RunFields,
    ...Object.assign({}, ...figures.map((fields) => Type.Partial(Type.Object(fields)).properties)),
  });
}
