// The one place event paths reach SQL: raw_events, the view sql/events/010_stg_events.sql reads, and
// compacted_events: over the event store (store-input.ts), or over a numbered temporary copy of each event
// file (so each event keeps its position; nothing compacted).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../errors.js';
import { firstLine, sqlString } from '../warehouse/database.js';
import { attachStoreFiles, snapshotStore } from './store/store-input.js';

/**
 * One event file as DuckDB reads it: `file`, a JSON array or NDJSON, named `name` in rejections and errors
 * (the path the user gave, also when `file` is a rewritten copy of it).
 */
export interface EventFile {
  file: string;
  format: 'array' | 'newline_delimited';
  name: string;
}

/** Where the events come from: the event store's folder, or event files read as one data set. */
export type EventSource = { store: string } | { files: EventFile[] };

/** What DuckDB may hold in memory while reading event files (it spills the rest to disk). */
const FILE_MEMORY_LIMIT = '1GB';

/** One file's values, each with its position: a table it is copied into, whose row number is the position. */
async function copyEventFile(connection: DuckDBConnection, source: EventFile, table: string): Promise<void> {
  // With insertion order preserved (DuckDB's default, set here so it cannot be lost) the copy keeps the
  // file's order and still runs on every core, where numbering with ordinality ran on one and slowed
  // every later step. In NDJSON a value that is not valid JSON becomes a null event; in an array DuckDB
  // refuses the whole file.
  const tolerant = source.format === 'newline_delimited' ? ', ignore_errors = true' : '';
  try {
    await connection.run(`create or replace temp table ${table} as
        select json from read_json_objects(${sqlString(resolve(source.file))}, format = '${source.format}'${tolerant})`);
  } catch (error) {
    throw new AppError(
      422,
      'INPUT_UNREADABLE',
      `cannot read the event file ${source.name}: ${firstLine(error)}`,
      true,
      { cause: error },
    );
  }
}

/**
 * raw_events and compacted_events. Over the store, a consistent view of its files (released by the returned
 * function); over event files, each file's values in file order, each with its position in its file and the
 * file's name, and nothing compacted.
 */
export async function attachEvents(connection: DuckDBConnection, source: EventSource): Promise<() => Promise<void>> {
  if ('store' in source) {
    await connection.run(`set variable events_path = ${sqlString(resolve(source.store))}`);
    const snapshot = await snapshotStore(source.store);
    await attachStoreFiles(connection, snapshot, snapshot.original);
    return snapshot.release;
  }
  await connection.run(
    `set variable events_path = ${sqlString(source.files.map((file) => resolve(file.name)).join(', '))}`,
  );
  await connection.run('set preserve_insertion_order = true');
  // The files' text is copied once (to number the values); past this much memory DuckDB spills to a folder
  // of its own (and, in a scratch database, moves tables to its file), so the memory stays bounded.
  const spill = await mkdtemp(join(tmpdir(), 'ltv-spill-'));
  await connection.run(`set memory_limit = '${FILE_MEMORY_LIMIT}'`);
  await connection.run(`set temp_directory = ${sqlString(spill)}`);
  const selects: string[] = [];
  for (const [i, file] of source.files.entries()) {
    await copyEventFile(connection, file, `raw_values_${i}`);
    selects.push(`select rowid as event_index, ${sqlString(file.name)} as source_file, null::varchar as batch,
        null::varchar as event_id, null::timestamptz as received_at, null::timestamptz as stored_event_at, json as event
      from raw_values_${i}`);
  }
  await attachStoreFiles(connection, { batches: [], parquet: [] });
  if (selects.length > 0) {
    await connection.run(`create or replace temp view raw_events as ${selects.join(' union all ')}`);
  }
  return () => rm(spill, { recursive: true, force: true });
}
