// Two features of the pipeline: the events (sql/events/: the store or event files read and judged by the
// rules, accepted_events) and the lifetime value (sql/ltv/), with the job that computes the top customers in
// memory from the store or event files. Runs in the pipeline worker or the CLI.
import type { DuckDBConnection } from '@duckdb/node-api';
import type { FeatureRun, PipelineFeature } from '../pipeline/feature.js';
import { runInMemory } from '../pipeline/in-memory.js';
import { queryRows } from '../warehouse/database.js';
import type { CustomerLtv } from './customer-ltv.js';
import { attachEvents, type EventSource } from './event-input.js';
import type { Rejection } from './ingest.js';
import { readTopLtv } from './ltv-rows.js';
import type { OrderConflict } from './order-conflicts.js';
import {
  readFileCounts,
  readOrderConflicts,
  readRejections,
  readTimeframe,
  type FileCounts,
  type FileRejection,
  type Timeframe,
} from './report-rows.js';

export interface TopLtv {
  customers: CustomerLtv[];
  rejected: Rejection[];
}

/** What `npm run ltv -- top X` shows: the top customers, the rejected events, and what else the user must know. */
export interface LtvReport extends TopLtv {
  rejected: FileRejection[];
  /** Order ids shared by the NEW orders of different customers (order_conflicts). */
  conflicts: OrderConflict[];
  /** The data set's first and last event and its weeks; undefined without events. */
  timeframe: Timeframe | undefined;
  /** What became of each event file's values, by file name (none for the store). */
  files: Map<string, FileCounts>;
}

/** The refresh's input is the store's folder; a job's may be event files. */
function attach({ connection, input }: FeatureRun): Promise<() => Promise<void>> {
  return attachEvents(connection, typeof input === 'string' ? { store: input } : (input as EventSource));
}

export const eventsPipeline: PipelineFeature = { name: 'events', attach };

export const ltvPipeline: PipelineFeature = {
  name: 'ltv',
  jobs: {
    /** The top customers of an event source, and its rejected events; params: { events, limit }. */
    top: (params, { sqlDir }) =>
      topLtv((params as { events: EventSource }).events, (params as { limit: number }).limit, sqlDir),
  },
};

/** What the lifetime value of an event source needs: its events judged, then the lifetime value. */
const LTV_FEATURES = [eventsPipeline, ltvPipeline];

async function readTop(connection: DuckDBConnection, limit: number): Promise<TopLtv> {
  return {
    customers: await readTopLtv(connection, limit),
    rejected: await queryRows<Rejection>(
      connection,
      'select event_index::double as index, rejection_reason as reason from rejected_events order by event_index',
    ),
  };
}

/** The top `limit` customers of one event source, computed in memory, and its rejected events. */
export function topLtv(events: EventSource, limit: number, sqlDir: string): Promise<TopLtv> {
  return runInMemory(LTV_FEATURES, { sqlDir, inputs: { events }, onDisk: 'files' in events }, (connection) =>
    readTop(connection, limit),
  );
}

/** What the command line reports about an event source beside its answer (the rejected events, conflicts, ...). */
export type EventReport = Omit<LtvReport, 'customers'>;

/** The event report of a run over `events` (its features' tables on `connection`). */
export async function readEventReport(connection: DuckDBConnection, events: EventSource): Promise<EventReport> {
  const files = 'files' in events ? events.files.map((file) => file.name) : [];
  return {
    rejected: await readRejections(connection, files),
    conflicts: await readOrderConflicts(connection),
    timeframe: await readTimeframe(connection),
    files: files.length > 0 ? await readFileCounts(connection) : new Map(),
  };
}

/** topLtv, with what the command line reports beside it. */
export function ltvReport(events: EventSource, limit: number, sqlDir: string): Promise<LtvReport> {
  return runInMemory(LTV_FEATURES, { sqlDir, inputs: { events }, onDisk: 'files' in events }, async (connection) => ({
    customers: await readTopLtv(connection, limit),
    ...(await readEventReport(connection, events)),
  }));
}
