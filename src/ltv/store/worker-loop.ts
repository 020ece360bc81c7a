// The store worker's request loop: one long-lived process per server that owns its view of the event
// store (src/store-worker.ts starts it). Commits, reads and compactions arrive over IPC with an id and are
// answered with it; reads first take in what other processes added. A server that goes away ends it.
// The customer value model (clv) is computed here too, synchronously: one computation at a time.
import { ServedClv, type ServedTopClv } from '../../clv/served-model.js';
import type { CustomerLtv } from '../customer-ltv.js';
import { AppError } from '../../errors.js';
import type { Compaction } from './compaction.js';
import { EventStore, type CommitResult, type StoredEvent } from './event-store.js';

export type StoreRequest =
  | { kind: 'commit'; events: StoredEvent[] }
  | { kind: 'top'; limit: number }
  | { kind: 'clv'; limit: number; horizonWeeks: number }
  | { kind: 'compact' };

export interface StoreResults {
  commit: CommitResult;
  top: CustomerLtv[];
  clv: ServedTopClv;
  compact: Compaction | null;
}

export type StoreMessage = { id: number; request: StoreRequest };
export type StoreReply =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: { statusCode: number; code: string; message: string } };

export interface StoreWorkerOptions {
  dir: string;
  sqlDir: string;
  /** Compact once this many batch files wait (0: only when asked). */
  compactBatches: number;
}

export function serveStore(options: StoreWorkerOptions): void {
  const opened = EventStore.open(options.dir, options.sqlDir);
  // A state restored from the events (no snapshot yet) is worth a snapshot: the next start is quicker.
  void opened
    .then((store) => store.snapshotIfDue())
    .catch((error: unknown) => process.stderr.write(`snapshot failed: ${(error as Error).message}\n`));
  let clv: ServedClv | undefined;
  let scheduled = false;
  /** Starts a compaction when enough batch files wait; one decision at a time (set before the first await). */
  const compactSoon = async (store: EventStore) => {
    if (scheduled || options.compactBatches === 0) return;
    scheduled = true;
    try {
      if ((await store.pendingBatches()) >= options.compactBatches) {
        await store.compact();
        await store.snapshotIfDue();
      }
    } catch (error) {
      process.stderr.write(`compaction failed: ${(error as Error).message}\n`);
    } finally {
      scheduled = false;
    }
  };

  const handle = async (request: StoreRequest): Promise<unknown> => {
    const store = await opened;
    if (request.kind === 'commit') {
      const result = await store.commit(request.events);
      void compactSoon(store);
      return result;
    }
    if (request.kind === 'top') {
      await store.catchUp();
      return store.state.top(request.limit);
    }
    if (request.kind === 'clv') {
      await store.catchUp();
      clv ??= new ServedClv(store);
      return clv.top(request.limit, request.horizonWeeks);
    }
    const compaction = (await store.compact()) ?? null;
    await store.snapshotIfDue();
    return compaction;
  };

  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: StoreMessage) => {
    handle(message.request).then(
      (result) => process.send?.({ id: message.id, ok: true, result } satisfies StoreReply),
      (error: unknown) => {
        const failure =
          error instanceof AppError ? error : new AppError(500, 'EVENT_STORE_FAILED', (error as Error).message, true);
        process.send?.({
          id: message.id,
          ok: false,
          error: { statusCode: failure.statusCode, code: failure.code, message: failure.message },
        } satisfies StoreReply);
      },
    );
  });
}
