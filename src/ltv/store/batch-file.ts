// One acknowledged batch on disk: written under a temporary name, flushed, renamed into the store and the
// folder flushed, all before the batch is acknowledged, so a reader or a crash never sees half a batch;
// and read back, one stored event per line.
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../errors.js';
import { fsync } from '../../fsync.js';
import { BATCH_SUFFIX } from './layout.js';
import { parseStoredLine, type StoredLineEvent } from './stored-event.js';

export const TEMP_SUFFIX = '.ndjson.tmp';
let counter = 0;

/** Writes one batch file durably and returns its name; on failure nothing of it is left in the store. */
export async function writeBatchFile(dir: string, lines: string[]): Promise<string> {
  const stamp = new Date().toISOString().replace(/[-:.]/g, '');
  const name = `${stamp}-${process.pid}-${String(++counter).padStart(6, '0')}`;
  const temp = join(dir, name + TEMP_SUFFIX);
  try {
    const handle = await open(temp, 'wx');
    try {
      await handle.writeFile(`${lines.join('\n')}\n`);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, join(dir, name + BATCH_SUFFIX));
  } catch (error) {
    await rm(temp, { force: true }).catch(() => undefined);
    throw new AppError(
      507,
      'EVENTS_NOT_STORED',
      `cannot write to the event store ${dir}: ${(error as Error).message}; none of these events were stored`,
      true,
      { cause: error },
    );
  }
  try {
    await fsync(dir);
  } catch (error) {
    const message = `the events were written to the event store ${dir} but it could not be flushed to disk (${(error as Error).message}); they may not survive a power loss, and resending them is safe`;
    throw new AppError(507, 'EVENTS_NOT_DURABLE', message, true, { cause: error });
  }
  return name + BATCH_SUFFIX;
}

/** The events of one batch file, in file order; undefined when it is gone (compacted meanwhile). */
export async function readBatchFile(dir: string, name: string): Promise<StoredLineEvent[] | undefined> {
  let text: string;
  try {
    text = await readFile(join(dir, name), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const events: StoredLineEvent[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const event = parseStoredLine(line);
    if (event) events.push(event);
  }
  return events;
}
