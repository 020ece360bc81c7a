// The append-only event store: a folder of immutable NDJSON files, one per committed batch, each
// written to a temporary name, flushed, then renamed, so a reader or a crash never sees half a batch.
// It never rewrites or deletes an accepted event; a refresh only reads it.
import { watch, type FSWatcher } from 'node:fs';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../errors.js';
import { fsync } from '../fsync.js';
import { isAlive } from '../process-alive.js';

const SUFFIX = '.ndjson';
const TEMP_SUFFIX = '.ndjson.tmp';
/** Every line the store writes starts with its event id, so opening the store never parses JSON. */
const LINE_START = '{"event_id":"';

/** One accepted event as stored: its id (a hash of its JSON as parsed, see ingest.ts) and its line. */
export interface StoredEvent {
  id: string;
  line: string;
}

export interface CommitResult {
  accepted: number;
  duplicates: number;
}

interface Pending {
  events: StoredEvent[];
  resolve: (result: CommitResult) => void;
  reject: (error: unknown) => void;
}

/** The store's files in name order (names start with the commit time, so this is commit order). */
export async function eventFiles(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((name) => name.endsWith(SUFFIX)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

export class EventStore {
  readonly #ids = new Set<string>();
  readonly #files = new Set<string>();
  readonly #queue: Pending[] = [];
  #writing = false;
  #counter = 0;
  #watcher: FSWatcher | undefined;
  #changedElsewhere = true;
  /** How many distinct events the store holds, as far as this process knows; grows with every commit. */
  version = 0;

  private constructor(readonly dir: string) {}

  /**
   * Opens (creating) the store folder, removes temporary files of writers that died, and learns the ids
   * already stored. With `watch`, files committed by other processes (npm run ingest) are noticed too.
   */
  static async open(dir: string, options: { watch?: boolean } = {}): Promise<EventStore> {
    const store = new EventStore(dir);
    try {
      await mkdir(dir, { recursive: true });
      for (const name of await readdir(dir)) {
        const pid = Number(/-(\d+)-\d+\.ndjson\.tmp$/.exec(name)?.[1]);
        if (name.endsWith(TEMP_SUFFIX) && !isAlive(pid)) await rm(join(dir, name), { force: true });
      }
    } catch (error) {
      throw new AppError(
        500,
        'EVENT_STORE_UNAVAILABLE',
        `cannot open the event store ${dir}: ${(error as Error).message}`,
        true,
        { cause: error },
      );
    }
    if (options.watch) {
      store.#watcher = watch(dir, (_event, name) => {
        if (!name || (name.endsWith(SUFFIX) && !store.#files.has(name))) store.#changedElsewhere = true;
      });
      store.#watcher.on('error', () => (store.#changedElsewhere = true));
    }
    await store.catchUp();
    return store;
  }

  close(): void {
    this.#watcher?.close();
  }

  /** Indexes files this process has not seen (written by another process); cheap when there are none. */
  async catchUp(): Promise<void> {
    if (!this.#changedElsewhere) return;
    this.#changedElsewhere = this.#watcher === undefined;
    for (const name of await eventFiles(this.dir)) {
      if (this.#files.has(name)) continue;
      const text = await readFile(join(this.dir, name), 'utf8');
      let count = 0;
      for (const line of text.split('\n')) {
        if (!line.startsWith(LINE_START)) continue;
        const id = line.slice(LINE_START.length, line.indexOf('"', LINE_START.length));
        if (!this.#ids.has(id)) {
          this.#ids.add(id);
          count++;
        }
      }
      this.#files.add(name);
      this.version += count;
    }
  }

  /**
   * Appends the events that are not stored yet, durably, before it resolves. Concurrent commits are
   * written together (one file, one flush); a failed write rejects them all and stores none of them.
   */
  commit(events: StoredEvent[]): Promise<CommitResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ events, resolve, reject });
      void this.#drain();
    });
  }

  async #drain(): Promise<void> {
    if (this.#writing) return;
    this.#writing = true;
    try {
      while (this.#queue.length > 0) await this.#write(this.#queue.splice(0));
    } finally {
      this.#writing = false;
    }
  }

  async #write(group: Pending[]): Promise<void> {
    try {
      await this.catchUp();
      const fresh = new Map<string, string>();
      const results = group.map(({ events }) => {
        let accepted = 0;
        for (const { id, line } of events) {
          if (this.#ids.has(id) || fresh.has(id)) continue;
          fresh.set(id, line);
          accepted++;
        }
        return { accepted, duplicates: events.length - accepted };
      });
      if (fresh.size > 0) {
        this.#files.add(await this.#writeFile([...fresh.values()].join('\n') + '\n'));
        for (const id of fresh.keys()) this.#ids.add(id);
        this.version += fresh.size;
        await this.#flushFolder();
      }
      group.forEach((pending, i) => pending.resolve(results[i]!));
    } catch (error) {
      const failure =
        error instanceof AppError
          ? error
          : new AppError(
              507,
              'EVENTS_NOT_STORED',
              `cannot write to the event store ${this.dir}: ${(error as Error).message}; none of these events were stored`,
              true,
              { cause: error },
            );
      for (const pending of group) pending.reject(failure);
    }
  }

  /** Makes the rename durable. If that fails the file is already visible, so the answer says so. */
  async #flushFolder(): Promise<void> {
    try {
      await fsync(this.dir);
    } catch (error) {
      const message = `the events were written to the event store ${this.dir} but it could not be flushed to disk (${(error as Error).message}); they may not survive a power loss, and resending them is safe`;
      throw new AppError(507, 'EVENTS_NOT_DURABLE', message, true, { cause: error });
    }
  }

  /** Writes one batch file under a temporary name, flushes it and renames it into the store; returns its name. */
  async #writeFile(text: string): Promise<string> {
    const stamp = new Date().toISOString().replace(/[-:.]/g, '');
    const name = `${stamp}-${process.pid}-${String(++this.#counter).padStart(6, '0')}`;
    const temp = join(this.dir, name + TEMP_SUFFIX);
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(text);
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, join(this.dir, name + SUFFIX));
    } catch (error) {
      await rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
    return name + SUFFIX;
  }
}
