// The one place event paths reach SQL: raw_events, the view sql/ltv/010_stg_events.sql reads, over the
// event store's files or over a numbered temporary copy of one event file (so each event keeps its position).
import { resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../errors.js';
import { firstLine, sqlString } from '../warehouse/database.js';
import { eventFiles } from './event-store.js';

/** A stored event line as DuckDB reads it: what ingest adds, and the event itself as JSON. */
const STORED_COLUMNS = `{event_id: 'VARCHAR', received_at: 'TIMESTAMPTZ', event_at: 'TIMESTAMPTZ', event: 'JSON'}`;
const NO_EVENTS = `select null::bigint as event_index, null::varchar as source_file, null::varchar as event_id,
    null::timestamptz as received_at, null::timestamptz as stored_event_at, null::json as event where false`;

/** Where the events come from: the event store's folder, or one event file (a JSON array or NDJSON). */
export type EventSource = { store: string } | { file: string; format: 'array' | 'newline_delimited' };

/**
 * raw_events: one row per event. Over the store, a view of every file (an empty one while there is none);
 * over one file, each value with its position (a value that is not valid JSON is a null event in NDJSON;
 * in an array DuckDB refuses the whole file).
 */
export async function attachEvents(connection: DuckDBConnection, source: EventSource): Promise<void> {
  if ('store' in source) {
    await connection.run(`set variable events_path = ${sqlString(resolve(source.store))}`);
    const files = await eventFiles(source.store);
    const read = `read_json(${sqlString(`${resolve(source.store)}/*.ndjson`)}, format = 'newline_delimited', columns = ${STORED_COLUMNS}, filename = true)`;
    const view =
      files.length === 0
        ? NO_EVENTS
        : `select null::bigint as event_index, filename as source_file, event_id, received_at, event_at as stored_event_at, event from ${read}`;
    await connection.run(`create or replace view raw_events as ${view}`);
    return;
  }
  await connection.run(`set variable events_path = ${sqlString(resolve(source.file))}`);
  // Each value's position is its row number in a table the file is copied into: with insertion order
  // preserved (DuckDB's default, set here so it cannot be lost) the copy keeps the file's order and
  // still runs on every core, where numbering with ordinality ran on one and slowed every later step.
  const tolerant = source.format === 'newline_delimited' ? ', ignore_errors = true' : '';
  await connection.run('set preserve_insertion_order = true');
  try {
    await connection.run(`create or replace temp table raw_values as
        select json from read_json_objects(${sqlString(resolve(source.file))}, format = '${source.format}'${tolerant})`);
  } catch (error) {
    throw new AppError(
      422,
      'INPUT_UNREADABLE',
      `cannot read the event file ${source.file}: ${firstLine(error)}`,
      true,
      { cause: error },
    );
  }
  await connection.run(`create or replace temp view raw_events as
      select rowid as event_index, ${sqlString(source.file)} as source_file, null::varchar as event_id,
          null::timestamptz as received_at, null::timestamptz as stored_event_at, json as event
      from raw_values`);
}
