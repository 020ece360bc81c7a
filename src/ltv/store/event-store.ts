// The event store as one process keeps it: it appends acknowledged batches (durable before they are
// acknowledged, identical events stored once), keeps the lifetime value state and the purchase days up to
// date batch by batch, follows what other processes add (npm run ingest, another server), and compacts. Loads
// DuckDB (to restore the state from the compacted store, and to compact): runs in the store worker or a command,
// never the server.
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { PurchaseDays } from '../../clv/purchase-days.js';
import { AppError } from '../../errors.js';
import { isAlive } from '../../process-alive.js';
import { readBatchFile, TEMP_SUFFIX, writeBatchFile } from './batch-file.js';
import type { Compaction } from './compaction.js';
import { readSnapshot, writeSnapshot } from './state-snapshot.js';
import { batchFiles, compactedFiles } from './layout.js';
import { LtvState, type OrderConflict } from './ltv-state.js';
import { parseStoredLine } from './stored-event.js';

/** One accepted event as ingest hands it over: its id (a hash of its JSON as parsed) and its stored line. */
export interface StoredEvent {
  id: string;
  line: string;
}

export interface CommitResult {
  accepted: number;
  duplicates: number;
  /** Order ids that NEW orders of different customers share, among this batch's new orders. */
  conflicts: OrderConflict[];
}

interface Pending {
  events: StoredEvent[];
  resolve: (result: CommitResult) => void;
  reject: (error: unknown) => void;
}

export class EventStore {
  /** Each customer's purchase days (the customer value model's input), moved with every order the state counts. */
  readonly purchases = new PurchaseDays();
  state = new LtvState((previous, next) => this.purchases.move(previous, next));
  /** Batch files whose events the state holds (written here, read from another process, or compacted). */
  readonly #applied = new Set<string>();
  readonly #compacted = new Set<string>();
  readonly #queue: Pending[] = [];
  #writing = false;
  /** Compactions run one after the other (the file lock keeps other processes out, not this one). */
  #compactions: Promise<unknown> = Promise.resolve();
  #compacting = false;
  /** The events the last snapshot held. */
  #snapshotEvents = 0;

  private constructor(
    readonly dir: string,
    private readonly sqlDir: string,
  ) {}

  /** Opens (creating) the store, removes what dead writers left, and restores the state from every event in it. */
  static async open(dir: string, sqlDir: string): Promise<EventStore> {
    const store = new EventStore(dir, sqlDir);
    try {
      await mkdir(dir, { recursive: true });
      await removeLeftovers(dir);
    } catch (error) {
      throw new AppError(
        500,
        'EVENT_STORE_UNAVAILABLE',
        `cannot open the event store ${dir}: ${(error as Error).message}`,
        true,
        { cause: error },
      );
    }
    if (!(await store.#loadSnapshot())) await store.#loadCompacted();
    await store.catchUp();
    return store;
  }

  /** Starts from the store's snapshot of the state, if it has a usable one; then only what came after is read. */
  async #loadSnapshot(): Promise<boolean> {
    const snapshot = await readSnapshot(this.dir);
    if (!snapshot) return false;
    const parquet = new Set(await compactedFiles(this.dir));
    // Parquet is never removed: a covered file that is gone means the store was changed by hand.
    if (!snapshot.covers.parquet.every((file) => parquet.has(file))) return false;
    this.state = LtvState.fromImage(snapshot.image, (previous, next) => this.purchases.move(previous, next));
    for (const batch of snapshot.covers.batches) this.#applied.add(batch);
    for (const file of snapshot.covers.parquet) this.#compacted.add(file);
    this.#snapshotEvents = snapshot.events;
    return true;
  }

  /**
   * Writes a snapshot of the state when enough has come since the last one (a tenth more events, at least
   * 50,000), or `always`.
   */
  async snapshotIfDue(always = false): Promise<boolean> {
    const events = this.state.events;
    if (!always && events - this.#snapshotEvents < Math.max(50_000, this.#snapshotEvents / 10)) return false;
    await writeSnapshot(this.dir, this.state.image(), events, {
      batches: [...this.#applied],
      parquet: [...this.#compacted],
    });
    this.#snapshotEvents = events;
    return true;
  }

  /** Applies what the state does not hold yet: new parquet (another process compacted) and new batch files. */
  async catchUp(): Promise<void> {
    // While this process compacts, the parquet it is writing holds events the state has already.
    const parquet = this.#compacting
      ? []
      : (await compactedFiles(this.dir)).filter((file) => !this.#compacted.has(file));
    if (parquet.length > 0) await this.#loadCompacted(parquet);
    for (const name of await batchFiles(this.dir)) {
      if (this.#applied.has(name)) continue;
      const events = await readBatchFile(this.dir, name);
      // Gone: compacted meanwhile, its events now in parquet that the next catch-up reads.
      if (!events) continue;
      for (const event of events) this.state.apply(event);
      this.#applied.add(name);
    }
  }

  /**
   * Appends the events that are not stored yet, durably, before it resolves. Concurrent commits are written
   * together (one file, one flush); a failed write rejects them all and stores none of them.
   */
  commit(events: StoredEvent[]): Promise<CommitResult> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ events, resolve, reject });
      void this.#drain();
    });
  }

  /** Compacts the batch files into parquet (see compaction.ts), after any compaction already running. */
  compact(maxBatches?: number): Promise<Compaction | undefined> {
    const next = this.#compactions.then(async () => {
      await this.catchUp();
      this.#compacting = true;
      try {
        const { compactStore } = await import('./compaction.js');
        const result = await compactStore(this.dir, this.sqlDir, maxBatches);
        for (const file of result?.files ?? []) this.#compacted.add(file);
        return result;
      } finally {
        this.#compacting = false;
      }
    });
    this.#compactions = next.catch(() => undefined);
    return next;
  }

  /** Whether a compaction is running or waiting in this process. */
  get compacting(): boolean {
    return this.#compacting;
  }

  /** Uncompacted batch files, for the decision to compact. */
  async pendingBatches(): Promise<number> {
    return (await batchFiles(this.dir)).length;
  }

  async #loadCompacted(only?: string[]): Promise<void> {
    const files = only ?? (await compactedFiles(this.dir));
    if (files.length === 0) return;
    // DuckDB is loaded only here and in compactions: a store with a snapshot, or without parquet, never needs it.
    const [{ withDatabase }, { attachStoreFiles }, { loadCompacted }] = await Promise.all([
      import('../../warehouse/database.js'),
      import('./store-input.js'),
      import('./state-loader.js'),
    ]);
    await withDatabase(':memory:', {}, async (connection) => {
      await attachStoreFiles(connection, { batches: [], parquet: files.map((file) => join(this.dir, file)) });
      await loadCompacted(connection, this.sqlDir, this.state);
    });
    for (const file of files) this.#compacted.add(file);
    // A batch file still here may hold months the parquet does not (a compaction killed between two months):
    // catchUp reads it whole, and the events the parquet brought are known by their ids and skipped.
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
      const counts = group.map(({ events }) => {
        let accepted = 0;
        for (const { id, line } of events) {
          if (fresh.has(id) || this.state.has(id)) continue;
          fresh.set(id, line);
          accepted++;
        }
        return { accepted, duplicates: events.length - accepted };
      });
      const newOrders = new Map<string, string>();
      if (fresh.size > 0) {
        const name = await writeBatchFile(this.dir, [...fresh.values()]);
        for (const [id, line] of fresh) {
          const event = parseStoredLine(line)!;
          this.state.apply(event);
          if (event.type === 'ORDER' && event.verb === 'NEW') newOrders.set(id, event.key);
        }
        this.#applied.add(name);
      }
      // Each commit hears of the conflicts among the new orders it stored itself.
      for (const [i, pending] of group.entries()) {
        const orders = pending.events.flatMap((event) => (newOrders.has(event.id) ? [newOrders.get(event.id)!] : []));
        pending.resolve({ ...counts[i]!, conflicts: orders.length > 0 ? this.state.conflicts(orders) : [] });
        for (const event of pending.events) newOrders.delete(event.id);
      }
    } catch (error) {
      for (const pending of group) pending.reject(error);
    }
  }
}

/** Removes what dead writers left: batch files they never renamed into place, and their readers' links. */
async function removeLeftovers(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    const pid = Number(/-(\d+)-\d+\.ndjson\.tmp$/.exec(name)?.[1]);
    if (name.endsWith(TEMP_SUFFIX) && !isAlive(pid)) await rm(join(dir, name), { force: true });
  }
  let readers: string[] = [];
  try {
    readers = await readdir(join(dir, '.readers'));
  } catch {
    return;
  }
  for (const name of readers) {
    if (!isAlive(Number(name.split('-')[0]))) await rm(join(dir, '.readers', name), { recursive: true, force: true });
  }
}
