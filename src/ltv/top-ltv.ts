// TopXSimpleLTVCustomers(x, D) for the command line: the top customers computed by the SQL in sql/ltv,
// in memory, from event files read as one data set, or from the event store; and the same reading of event
// files for other commands (fromEventFiles). DuckDB reads each file itself (the fast path); a file it cannot
// split (a broken JSON array, a byte-order mark) is first rewritten as NDJSON by the event splitter, so every
// readable event still counts. An empty or binary file is refused before anything is read. Writes only a
// temporary folder.
import { batchFiles, compactedFiles } from './store/layout.js';
import { LtvState } from './store/ltv-state.js';
import { readSnapshot } from './store/state-snapshot.js';
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { AppError } from '../errors.js';
import { readEventFile, readEventFileHead } from './event-file.js';
import type { EventFile, EventSource } from './event-input.js';
import { ltvReport, type LtvReport } from './pipeline.js';

/** Not JSON in any reader: such a line becomes a null event, which the SQL rejects as not valid JSON. */
const UNREADABLE_LINE = '!';

/** How DuckDB should read the file, from its first bytes; undefined when it must be rewritten first. */
async function sniff(path: string): Promise<EventFile | undefined> {
  const head = await readEventFileHead(path);
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return undefined;
  const format = head.toString('utf8').trimStart().startsWith('[') ? 'array' : 'newline_delimited';
  return { file: path, format, name: path };
}

/** Rewrites an event file as NDJSON, one value per line in the same order, so DuckDB can read it. */
async function rewriteAsNdjson(path: string, outPath: string): Promise<void> {
  const out = createWriteStream(outPath);
  try {
    for await (const values of readEventFile(path)) {
      const text = values
        .map((raw) => (raw.error === undefined ? JSON.stringify(raw.value) : UNREADABLE_LINE))
        .join('\n');
      if (!out.write(`${text}\n`)) await once(out, 'drain');
    }
  } finally {
    out.end();
    await once(out, 'close');
  }
}

/** DuckDB refused a JSON array that is not valid as a whole: the event splitter can still read its events. */
function isBrokenArray(error: unknown): boolean {
  return error instanceof AppError && error.code === 'INPUT_UNREADABLE' && /Malformed JSON/.test(error.message);
}

/**
 * `read` (a run of the SQL) over event files read as one data set, in the order given: each file as DuckDB can read
 * it, rewritten as NDJSON first when it cannot.
 */
export async function fromEventFiles<T>(paths: string[], read: (events: EventSource) => Promise<T>): Promise<T> {
  const sniffed = await Promise.all(paths.map(sniff));
  /** Runs the SQL over the files, rewriting those DuckDB cannot read (and, with `arrays`, every JSON array). */
  const run = async (arrays: boolean): Promise<T> => {
    const rewrite = (read: EventFile | undefined) => !read || (arrays && read.format === 'array');
    const dir = sniffed.some(rewrite) ? await mkdtemp(join(tmpdir(), 'ltv-events-')) : undefined;
    try {
      const files: EventFile[] = [];
      for (const [i, read] of sniffed.entries()) {
        if (!rewrite(read)) files.push(read!);
        else {
          const rewritten = join(dir!, `${i}.ndjson`);
          await rewriteAsNdjson(paths[i]!, rewritten);
          files.push({ file: rewritten, format: 'newline_delimited', name: paths[i]! });
        }
      }
      return await read({ files });
    } finally {
      if (dir) await rm(dir, { recursive: true, force: true });
    }
  };
  try {
    return await run(false);
  } catch (error) {
    if (!isBrokenArray(error) || !sniffed.some((read) => read?.format === 'array')) throw error;
  }
  return run(true);
}

/**
 * The top `x` customers of event files read as one data set (in the order given), computed from those files
 * alone; their bad events are listed, each with its file, not fatal.
 */
export function topLtvFromFiles(paths: string[], x: number, sqlDir: string): Promise<LtvReport> {
  return fromEventFiles(paths, (events) => ltvReport(events, x, sqlDir));
}

/** The top `x` customers of one event file, computed from that file alone. */
export function topLtvFromFile(path: string, x: number, sqlDir: string): Promise<LtvReport> {
  return topLtvFromFiles([path], x, sqlDir);
}

/** The top `x` customers of every event in the store. */
export async function topLtvFromStore(eventsPath: string, x: number, sqlDir: string): Promise<LtvReport> {
  return (await topLtvFromSnapshot(eventsPath, x)) ?? ltvReport({ store: eventsPath }, x, sqlDir);
}

/**
 * The top `x` customers from the store's snapshot of the incremental state, when it covers every file
 * in the store (nothing came after it) and shows no order conflict (whose report needs the events);
 * undefined otherwise, for the full recompute.
 */
async function topLtvFromSnapshot(dir: string, x: number): Promise<LtvReport | undefined> {
  const snapshot = await readSnapshot(dir, true);
  if (!snapshot || snapshot.image.conflicts.length > 0) return undefined;
  const batches = new Set(snapshot.covers.batches);
  const parquet = new Set(snapshot.covers.parquet);
  if ((await batchFiles(dir)).some((name) => !batches.has(name))) return undefined;
  if ((await compactedFiles(dir)).some((file) => !parquet.has(file))) return undefined;
  const state = LtvState.fromImage(snapshot.image);
  const frame = state.timeframe();
  return {
    customers: state.top(x),
    rejected: [],
    conflicts: [],
    timeframe: frame && {
      start_at: new Date(frame.first).toISOString(),
      end_at: new Date(frame.last).toISOString(),
      weeks: frame.weeks,
    },
    files: new Map(),
  };
}
