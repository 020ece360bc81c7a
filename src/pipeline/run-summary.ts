// The summary of one pipeline run, as POST /refresh answers it and `npm run refresh` prints it:
// one TypeBox schema, with its type derived from it. Never write the shape a second time.
import { Type, type Static } from '@sinclair/typebox';

const Counts = Type.Record(Type.String(), Type.Integer());

export const RunSummary = Type.Object({
  run_id: Type.String(),
  status: Type.String(),
  started_at: Type.String(),
  finished_at: Type.String(),
  duration_ms: Type.Integer(),
  input_path: Type.String(),
  input_bytes: Type.Integer(),
  rows_read: Type.Integer(),
  rows_kept: Type.Integer(),
  rows_rejected: Type.Integer(),
  rejected_by_rule: Counts,
  excluded_by_rule: Counts,
  segment_vouchers: Type.Integer(),
  events_path: Type.String(),
  events_read: Type.Integer(),
  latest_events: Type.Integer(),
  customers: Type.Integer(),
  sql_checksum: Type.String(),
});

export type RunSummary = Static<typeof RunSummary>;
