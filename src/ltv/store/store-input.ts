// The event store as SQL reads it, from one consistent view of its files: compacted_events over the
// parquet (typed), and raw_events over the batch files not yet compacted (their JSON, for the rules to
// judge), without the events of a batch whose month is already in the parquet. So each acknowledged event
// is read exactly once, whatever a compaction does meanwhile. The one place store paths reach SQL.
import { existsSync } from 'node:fs';
import { link, mkdir, rm, rmdir } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../../warehouse/database.js';
import { batchFiles, compactedFiles } from './layout.js';

export interface StoreFiles {
  /** The batch files to read (absolute paths; in a snapshot, links to them). */
  batches: string[];
  /** The compacted parquet files (absolute paths). */
  parquet: string[];
}

const STORED_COLUMNS = `{event_id: 'VARCHAR', received_at: 'TIMESTAMPTZ', event_at: 'TIMESTAMPTZ', event: 'JSON'}`;
const NO_RAW_EVENTS = `select null::bigint as event_index, null::varchar as source_file, null::varchar as batch,
    null::varchar as event_id, null::timestamptz as received_at, null::timestamptz as stored_event_at, null::json as event
    where false`;
const NO_COMPACTED_EVENTS = `select null::varchar as event_id, null::timestamptz as received_at, null::timestamptz as event_at,
    null::varchar as type, null::varchar as verb, null::varchar as key, null::varchar as customer_id,
    null::bigint as amount_cents, null::varchar as last_name, null::varchar as event, null::varchar as batch,
    null::varchar as event_month, null::varchar as source_file
    where false`;

let snapshots = 0;

/**
 * A reader's view of the store: every batch file linked into a private folder (so a compaction that removes
 * one meanwhile cannot take it away), then the parquet listed (a batch is removed only after its parquet is
 * in place, so it is found in one or both, never neither). `release` removes the links.
 */
export async function snapshotStore(
  dir: string,
): Promise<StoreFiles & { release: () => Promise<void>; original: StoreFiles }> {
  const folder = join(resolve(dir), '.readers', `${process.pid}-${++snapshots}`);
  // Another reader may remove the readers' folder as this one makes it: then made again.
  await mkdir(folder, { recursive: true }).catch(() => mkdir(folder, { recursive: true }));
  const batches: string[] = [];
  const original: string[] = [];
  for (const name of await batchFiles(dir)) {
    try {
      await link(join(dir, name), join(folder, name));
      batches.push(join(folder, name));
      original.push(join(resolve(dir), name));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const parquet = (await compactedFiles(dir)).map((file) => join(resolve(dir), file));
  return {
    batches,
    parquet,
    original: { batches: original, parquet },
    release: async () => {
      await rm(folder, { recursive: true, force: true });
      // The readers' folder goes with its last reader (another may be making it again: then it stays).
      await rmdir(dirname(folder)).catch(() => undefined);
    },
  };
}

/**
 * Creates compacted_events and raw_events (see above) over the given files. With `kept`, also creates them
 * in the database itself over those files (the same files at their own paths), for people who query the
 * warehouse later; the views over `files` are temporary and shadow them while the run reads.
 */
export async function attachStoreFiles(
  connection: DuckDBConnection,
  files: StoreFiles,
  kept?: StoreFiles,
): Promise<void> {
  await connection.run(
    `create or replace table compacted_batches as select distinct batch, event_month from (${compactedSelect(files.parquet)})`,
  );
  if (kept) {
    await connection.run(`create or replace view main.compacted_events as ${compactedSelect(kept.parquet)}`);
    await keepRawEvents(connection, kept.batches);
  }
  await connection.run(`create or replace temp view compacted_events as ${compactedSelect(files.parquet)}`);
  await connection.run(`create or replace temp view raw_events as ${rawSelect(files.batches)}`);
}

/**
 * main.raw_events over the batch files still at their own paths. A compaction may have removed some since
 * the snapshot listed them (their events are in parquet now), and DuckDB refuses a view over a file that is
 * gone, so the view keeps those still there. Each try has fewer files: a removed batch never comes back.
 */
async function keepRawEvents(connection: DuckDBConnection, batches: string[]): Promise<void> {
  for (let files = batches; ;) {
    try {
      await connection.run(`create or replace view main.raw_events as ${rawSelect(files)}`);
      return;
    } catch (error) {
      const present = files.filter((file) => existsSync(file));
      if (present.length === files.length) throw error;
      files = present;
    }
  }
}

const list = (paths: string[]) => `[${paths.map(sqlString).join(', ')}]`;

function compactedSelect(parquet: string[]): string {
  if (parquet.length === 0) return NO_COMPACTED_EVENTS;
  return `select *, filename as source_file from read_parquet(${list(parquet)}, hive_partitioning = true, filename = true)`;
}

/** The batch files' events, without those of a batch whose month is in the parquet (compacted_batches). */
function rawSelect(batches: string[]): string {
  if (batches.length === 0) return NO_RAW_EVENTS;
  return `with stored as (
          select filename as source_file, parse_filename(filename) as batch, event_id, received_at, event_at, event
          from read_json(${list(batches)}, format = 'newline_delimited', columns = ${STORED_COLUMNS}, filename = true)
      )
      select null::bigint as event_index, source_file, batch, event_id, received_at, event_at as stored_event_at, event
      from stored
      anti join compacted_batches
          on compacted_batches.batch = stored.batch
          and compacted_batches.event_month = strftime(stored.event_at, '%Y-%m')`;
}

/** The batch name a path ends with, as the parquet's batch column holds it. */
export function batchName(path: string): string {
  return basename(path);
}
