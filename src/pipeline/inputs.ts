// The one place input paths reach SQL: what the pipeline's first steps read. raw_voucher_assignments is
// a view over the voucher parquet; raw_events a view over the event store's files, or over a numbered
// temporary copy of one event file (the only input read here, so each event keeps its position).
import { resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../errors.js';
import { eventFiles } from '../ltv/event-store.js';
import { firstLine, queryRows, sqlString } from '../warehouse/database.js';

/** The columns sql/vouchers/010_stg_voucher_assignments.sql reads; change both together. */
const VOUCHER_COLUMNS = ['timestamp', 'country_code', 'last_order_ts', 'first_order_ts', 'total_orders', 'voucher_amount'];

/** Types staging can read (it casts text and numbers): a list, struct, map, boolean or blob is another file's shape. */
const SCALAR_TYPE = /^(VARCHAR|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\)|DATE|TIME|TIMESTAMP.*)$/;

/** A stored event line as DuckDB reads it: what ingest adds, and the event itself as JSON. */
const STORED_COLUMNS = `{event_id: 'VARCHAR', received_at: 'TIMESTAMPTZ', event_at: 'TIMESTAMPTZ', event: 'JSON'}`;
const NO_EVENTS = `select null::bigint as event_index, null::varchar as source_file, null::varchar as event_id,
    null::timestamptz as received_at, null::timestamptz as stored_event_at, null::json as event where false`;

/** Where the events come from: the event store's folder, or one event file (a JSON array or NDJSON). */
export type EventSource = { store: string } | { file: string; format: 'array' | 'newline_delimited' };

/** raw_voucher_assignments: a view over the parquet, checked for the columns staging reads. */
export async function attachVoucherInput(connection: DuckDBConnection, inputPath: string): Promise<void> {
  const source = `read_parquet(${sqlString(resolve(inputPath))}, file_row_number = true)`;
  try {
    await connection.run(`create or replace view raw_voucher_assignments as select * from ${source}`);
  } catch (error) {
    throw new AppError(422, 'INPUT_UNREADABLE', `input is not a readable parquet file: ${inputPath} (${firstLine(error)})`, true, { cause: error });
  }
  const columns = await queryRows<{ column_name: string; column_type: string }>(connection, 'select column_name, column_type from (describe raw_voucher_assignments)');
  const present = new Set(columns.map((column) => column.column_name));
  const missing = VOUCHER_COLUMNS.filter((column) => !present.has(column));
  if (missing.length > 0) throw new AppError(422, 'INPUT_SCHEMA_MISMATCH', `input ${inputPath} lacks the column(s) ${missing.join(', ')}`);
  const misfits = columns.filter((column) => VOUCHER_COLUMNS.includes(column.column_name) && !SCALAR_TYPE.test(column.column_type));
  if (misfits.length > 0) {
    const found = misfits.map((column) => `${column.column_name} is ${column.column_type}`).join(', ');
    throw new AppError(422, 'INPUT_SCHEMA_MISMATCH', `input ${inputPath} has column(s) of another type: ${found} (expected text, a number or a timestamp)`);
  }
}

/**
 * raw_events: one row per event, as sql/ltv/010_stg_events.sql reads it. Over the store, a view of
 * every file (an empty one while there is none); over one file, each value with its position (a value
 * that is not valid JSON is a null event in NDJSON; in an array DuckDB refuses the whole file).
 */
export async function attachEventInput(connection: DuckDBConnection, source: EventSource): Promise<void> {
  if ('store' in source) {
    const files = await eventFiles(source.store);
    const read = `read_json(${sqlString(`${resolve(source.store)}/*.ndjson`)}, format = 'newline_delimited', columns = ${STORED_COLUMNS}, filename = true)`;
    const view = files.length === 0 ? NO_EVENTS : `select null::bigint as event_index, filename as source_file, event_id, received_at, event_at as stored_event_at, event from ${read}`;
    await connection.run(`create or replace view raw_events as ${view}`);
    return;
  }
  // Each value's position is its row number in a table the file is copied into: with insertion order
  // preserved (DuckDB's default, set here so it cannot be lost) the copy keeps the file's order and
  // still runs on every core, where numbering with ordinality ran on one and slowed every later step.
  const tolerant = source.format === 'newline_delimited' ? ', ignore_errors = true' : '';
  await connection.run('set preserve_insertion_order = true');
  try {
    await connection.run(`create or replace temp table raw_values as
        select json from read_json_objects(${sqlString(resolve(source.file))}, format = '${source.format}'${tolerant})`);
  } catch (error) {
    throw new AppError(422, 'INPUT_UNREADABLE', `cannot read the event file ${source.file}: ${firstLine(error)}`, true, { cause: error });
  }
  await connection.run(`create or replace temp view raw_events as
      select rowid as event_index, ${sqlString(source.file)} as source_file, null::varchar as event_id,
          null::timestamptz as received_at, null::timestamptz as stored_event_at, json as event
      from raw_values`);
}
