// The voucher feature's server side: the snapshot its routes read, built from the rows the pipeline
// loaded, and its figures in the run summary (the columns of sql/vouchers/run_summary.sql).
import { Type } from '@sinclair/typebox';
import type { ServedFeature } from '../pipeline/refresher.js';
import { buildSnapshot, type SnapshotRows } from './snapshot.js';

const Counts = Type.Record(Type.String(), Type.Integer());

export const VOUCHER_FIGURES = {
  input_path: Type.String(),
  input_bytes: Type.Integer(),
  rows_read: Type.Integer(),
  rows_kept: Type.Integer(),
  rows_rejected: Type.Integer(),
  rejected_by_rule: Counts,
  excluded_by_rule: Counts,
  segment_vouchers: Type.Integer(),
};

export const vouchersServed: ServedFeature = {
  name: 'vouchers',
  prepare: (part, run) => buildSnapshot(part as SnapshotRows, run.run_id),
};
