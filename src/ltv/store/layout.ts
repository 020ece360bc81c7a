// The event store's files (EVENTS_PATH): what each is, and which ones a reader sees.
//   <stamp>-<pid>-<n>.ndjson          an acknowledged batch, one stored event per line, not yet compacted
//   compacted/event_month=YYYY-MM/<compaction>.parquet
//                                     compacted events: typed columns beside the original JSON, Hive-partitioned
//   state.duckdb                      the incremental state (event ids, latest versions, totals): derived, rebuildable
//   .compacting-<id>/, *.tmp          a compaction or a batch in progress (removed at the next start)
// A batch file is removed only once every event of it is in durable parquet; until then, a reader takes a
// batch's events from the parquet for the months already compacted and from the batch file for the rest,
// so each acknowledged event is read exactly once at every moment.
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';

export const BATCH_SUFFIX = '.ndjson';
export const COMPACTED = 'compacted';
export const STATE_FILE = 'state.duckdb';

/** The store's batch files in name order (names start with the commit time, so this is commit order). */
export async function batchFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith(BATCH_SUFFIX)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Every compacted parquet file, as paths relative to the store (compacted/event_month=.../x.parquet), sorted. */
export async function compactedFiles(dir: string): Promise<string[]> {
  let months: string[];
  try {
    months = (await readdir(join(dir, COMPACTED))).filter((name) => name.startsWith('event_month='));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const files = await Promise.all(
    months.map(async (month) =>
      (await readdir(join(dir, COMPACTED, month)))
        .filter((name) => name.endsWith('.parquet'))
        .map((name) => join(COMPACTED, month, name)),
    ),
  );
  return files.flat().sort();
}
