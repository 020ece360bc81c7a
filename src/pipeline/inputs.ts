// The one place input paths reach SQL: the views the pipeline's first steps read. raw_voucher_assignments
// is the voucher parquet; raw_events is the event store's files. Creates views only, never reads data.
import { resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../errors.js';
import { eventFiles } from '../ltv/event-store.js';
import { queryRows, sqlString } from '../warehouse/database.js';

/** The columns sql/vouchers/010_stg_voucher_assignments.sql reads; change both together. */
const VOUCHER_COLUMNS = ['timestamp', 'country_code', 'last_order_ts', 'first_order_ts', 'total_orders', 'voucher_amount'];

/** A stored event line as DuckDB reads it: what ingest adds, and the event fields sql/ltv reads (the rest stays in the file). */
const EVENT_STRUCT = 'STRUCT(type VARCHAR, verb VARCHAR, key VARCHAR, customer_id VARCHAR, last_name VARCHAR, total_amount VARCHAR)';
const EVENT_COLUMNS = `{event_id: 'VARCHAR', received_at: 'TIMESTAMPTZ', event_at: 'TIMESTAMPTZ', event: '${EVENT_STRUCT}'}`;
const NO_EVENTS = `select null::varchar as event_id, null::timestamptz as received_at, null::timestamptz as event_at,
    null::${EVENT_STRUCT} as event, null::varchar as filename where false`;

export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

/** raw_voucher_assignments: a view over the parquet, checked for the columns staging reads. */
export async function attachVoucherInput(connection: DuckDBConnection, inputPath: string): Promise<void> {
  const source = `read_parquet(${sqlString(resolve(inputPath))}, file_row_number = true)`;
  try {
    await connection.run(`create or replace view raw_voucher_assignments as select * from ${source}`);
  } catch (error) {
    throw new AppError(422, 'INPUT_UNREADABLE', `input is not a readable parquet file: ${inputPath} (${firstLine(error)})`, true, { cause: error });
  }
  const columns = await queryRows<{ column_name: string }>(connection, 'select column_name from (describe raw_voucher_assignments)');
  const present = new Set(columns.map((column) => column.column_name));
  const missing = VOUCHER_COLUMNS.filter((column) => !present.has(column));
  if (missing.length > 0) throw new AppError(422, 'INPUT_SCHEMA_MISMATCH', `input ${inputPath} lacks the column(s) ${missing.join(', ')}`);
}

/** raw_events: a view over every file of the event store (an empty one while it has none); returns how many files. */
export async function attachEventInput(connection: DuckDBConnection, eventsPath: string): Promise<number> {
  const files = await eventFiles(eventsPath);
  const source = `read_json(${sqlString(`${resolve(eventsPath)}/*.ndjson`)}, format = 'newline_delimited', columns = ${EVENT_COLUMNS}, filename = true)`;
  await connection.run(`create or replace view raw_events as ${files.length > 0 ? `select * from ${source}` : NO_EVENTS}`);
  return files.length;
}
