// What GET /customers/top-ltv serves: the top customers computed by the SQL from the event store,
// kept in memory with the store version they cover. A read after new events waits for a recompute
// (in a pipeline worker), so every answer reflects every event accepted before the call; a read with
// nothing new is answered from memory. Never computes a value itself: the SQL is the one definition.
import type { FastifyBaseLogger } from 'fastify';
import type { EventStore } from './event-store.js';
import type { CustomerLtv } from './customer-ltv.js';

interface Computed {
  version: number;
  rows: CustomerLtv[];
}

export class LtvAnswers {
  #current: Computed | undefined;
  #pending: { version: number; promise: Promise<Computed> } | undefined;

  constructor(
    private readonly store: EventStore,
    /** Computes the top customers from the whole store, as it is when called. */
    private readonly compute: () => Promise<CustomerLtv[]>,
  ) {}

  /** The number of events the store holds as far as this process knows. */
  get eventsVersion(): number {
    return this.store.version;
  }

  /** Takes rows computed from the store as it was at `version` (by a refresh); never goes back to older ones. */
  offer(version: number, rows: CustomerLtv[]): Computed {
    if (!this.#current || version >= this.#current.version) this.#current = { version, rows };
    return this.#current;
  }

  /** The top `limit` customers, reflecting every event this process knows was accepted before the call. */
  async top(limit: number): Promise<CustomerLtv[]> {
    await this.store.catchUp();
    const wanted = this.store.version;
    const current = this.#current && this.#current.version >= wanted ? this.#current : await this.#recompute(wanted);
    return current.rows.slice(0, limit);
  }

  /** Computes in the background at start-up, so the first read rarely waits; a failure is only logged. */
  warm(log: FastifyBaseLogger): void {
    this.top(1).catch((error: unknown) =>
      log.warn({ err: error }, 'could not compute the lifetime values yet; the first read will retry'),
    );
  }

  /** Joins a computation already covering `wanted`, or starts one over the store as it is now. */
  #recompute(wanted: number): Promise<Computed> {
    if (this.#pending && this.#pending.version >= wanted) return this.#pending.promise;
    const version = this.store.version;
    const promise = this.compute().then((rows) => this.offer(version, rows));
    const pending = { version, promise };
    this.#pending = pending;
    const clear = () => {
      if (this.#pending === pending) this.#pending = undefined;
    };
    promise.then(clear, clear);
    return promise;
  }
}
