// A snapshot of the incremental state in the store (EVENTS_PATH/state/<id>/, named by state/current):
// what the state holds, and which batch files and parquet files it covers. A store worker restarts from
// it and takes in only what came after, instead of aggregating every event again; `npm run ltv -- top X`
// answers from its customers alone when nothing came after. Derived data: a missing or damaged snapshot
// is only slower, never wrong (the state is then restored from the events).
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import type { StateImage } from './ltv-state.js';

const FORMAT = 1;
const STATE = 'state';

export interface Covers {
  /** The batch files whose events it holds (compacted or not). */
  batches: string[];
  /** The compacted parquet files it has read (paths relative to the store). */
  parquet: string[];
}

interface Summary extends Omit<StateImage, 'orders' | 'eventIds' | 'visits'> {
  format: number;
  writtenAt: string;
  events: number;
  covers: Covers;
  eventIds: number;
  visits: number;
}

async function writeWhole(path: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

const bytesOf = (table: Uint32Array) => new Uint8Array(table.buffer, table.byteOffset, table.byteLength);

/** Writes a snapshot whole, then makes it the current one; the one before it is kept for a reader still on it. */
export async function writeSnapshot(dir: string, image: StateImage, events: number, covers: Covers): Promise<void> {
  const root = join(dir, STATE);
  const id = `${new Date().toISOString().replace(/[-:.]/g, '')}-${process.pid}`;
  const folder = join(root, id);
  await mkdir(`${folder}.tmp`, { recursive: true });
  const { orders, eventIds, visits, ...rest } = image;
  const summary: Summary = {
    ...rest,
    format: FORMAT,
    writtenAt: new Date().toISOString(),
    events,
    covers,
    eventIds: eventIds!.size,
    visits: visits!.size,
  };
  await writeWhole(join(`${folder}.tmp`, 'summary.json'), JSON.stringify(summary));
  await writeWhole(join(`${folder}.tmp`, 'orders.json'), JSON.stringify(orders));
  await writeWhole(join(`${folder}.tmp`, 'event-ids.bin'), bytesOf(eventIds!.table));
  await writeWhole(join(`${folder}.tmp`, 'visits.bin'), bytesOf(visits!.table));
  await rename(`${folder}.tmp`, folder);
  const previous = await currentId(dir);
  await writeWhole(join(root, 'current.tmp'), id);
  await rename(join(root, 'current.tmp'), join(root, 'current'));
  for (const name of await readdir(root)) {
    if (name !== id && name !== previous && name !== 'current') {
      await rm(join(root, name), { recursive: true, force: true });
    }
  }
}

async function currentId(dir: string): Promise<string | undefined> {
  try {
    return (await readFile(join(dir, STATE, 'current'), 'utf8')).trim();
  } catch {
    return undefined;
  }
}

const tableOf = (buffer: Buffer) =>
  new Uint32Array(buffer.buffer.slice(buffer.byteOffset, buffer.byteOffset + buffer.byteLength));

/**
 * The current snapshot: its image (`light`: customers, conflicts and timeframe only, which answers top X) and
 * what it covers; undefined when there is none, or it cannot be read.
 */
export async function readSnapshot(
  dir: string,
  light = false,
): Promise<{ image: StateImage; events: number; covers: Covers } | undefined> {
  const id = await currentId(dir);
  if (!id) return undefined;
  const folder = join(dir, STATE, id);
  try {
    const summary = JSON.parse(await readFile(join(folder, 'summary.json'), 'utf8')) as Summary;
    if (summary.format !== FORMAT) return undefined;
    const { format, writtenAt, events, covers, eventIds, visits, ...image } = summary;
    if (light) return { image, events, covers };
    return {
      image: {
        ...image,
        orders: JSON.parse(await readFile(join(folder, 'orders.json'), 'utf8')),
        eventIds: { table: tableOf(await readFile(join(folder, 'event-ids.bin'))), size: eventIds },
        visits: { table: tableOf(await readFile(join(folder, 'visits.bin'))), size: visits },
      },
      events,
      covers,
    };
  } catch {
    return undefined;
  }
}
