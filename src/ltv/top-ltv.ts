// TopXSimpleLTVCustomers(x, D) for the command line: the top customers computed by the SQL in sql/ltv,
// in memory, from one event file alone or from the event store. DuckDB reads the file itself (the
// fast path); a file it cannot split (a broken JSON array, a byte-order mark) is first rewritten as
// NDJSON by the event splitter, so every readable event still counts. Writes only a temporary folder.
import { createWriteStream } from 'node:fs';
import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { AppError } from '../errors.js';
import { readEventFile, unreadableEventFile } from './event-file.js';
import type { EventSource } from './event-input.js';
import { ltvReport, type LtvReport } from './pipeline.js';

/** Not JSON in any reader: such a line becomes a null event, which the SQL rejects as not valid JSON. */
const UNREADABLE_LINE = '!';

/** How DuckDB should read the file, from its first bytes; undefined when it must be rewritten first. */
async function sniff(path: string): Promise<EventSource | undefined> {
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(4096), 0, 4096, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw unreadableEventFile(path, error);
  }
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return undefined;
  return { file: path, format: head.toString('utf8').trimStart().startsWith('[') ? 'array' : 'newline_delimited' };
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

/** The top `x` customers of one event file, computed from that file alone; its bad events are listed, not fatal. */
export async function topLtvFromFile(path: string, x: number, sqlDir: string): Promise<LtvReport> {
  const source = await sniff(path);
  if (source) {
    try {
      return await ltvReport(source, x, sqlDir);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'INPUT_UNREADABLE' && /Malformed JSON/.test(error.message))) {
        throw error;
      }
    }
  }
  const dir = await mkdtemp(join(tmpdir(), 'ltv-events-'));
  try {
    const rewritten = join(dir, 'events.ndjson');
    await rewriteAsNdjson(path, rewritten);
    return await ltvReport({ file: rewritten, format: 'newline_delimited' }, x, sqlDir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The top `x` customers of every event in the store. */
export function topLtvFromStore(eventsPath: string, x: number, sqlDir: string): Promise<LtvReport> {
  return ltvReport({ store: eventsPath }, x, sqlDir);
}
