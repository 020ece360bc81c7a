// Ingest(e, D) of the seed: checks each event on its own, commits the good ones to the store, and
// says what happened to every one. Shared by POST /events and `npm run ingest`.
import { hash } from 'node:crypto';
import type { OrderConflict } from './store/ltv-state.js';
import type { CommitResult, StoredEvent } from './store/event-store.js';
import { checkEvent } from './events.js';
import type { RawValue } from './event-text.js';

export interface Rejection {
  index: number;
  reason: string;
}

export interface IngestResult {
  accepted: number;
  duplicates: number;
  rejected: Rejection[];
  /** Order ids that NEW orders of different customers share, among the orders this call stored. */
  conflicts: OrderConflict[];
}

/** Where ingest commits: the store itself (a command), or the server's store worker. */
export interface EventSink {
  commit(events: StoredEvent[]): Promise<CommitResult>;
}

/** A lone surrogate as JSON.stringify writes it (\udXXX), not itself after an escaped backslash. */
const LONE_SURROGATE = /(?<!\\)(?:\\\\)*\\ud[89a-f][0-9a-f]{2}/;

/**
 * The event as the store writes it, or undefined when the store could not read it back: V8 cannot write JSON
 * nested deeper than about 4,000 levels (a RangeError), and DuckDB refuses to read a lone surrogate.
 */
function storable(value: unknown): string | undefined {
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    return undefined;
  }
  return text.includes('\\ud') && LONE_SURROGATE.test(text) ? undefined : text;
}

/** Sorts values into the events to store (with their ids) and the rejected ones (with their reasons). */
function prepareEvents(values: Iterable<RawValue>, receivedAt: Date): { events: StoredEvent[]; rejected: Rejection[] } {
  const received = receivedAt.toISOString();
  const events: StoredEvent[] = [];
  const rejected: Rejection[] = [];
  for (const raw of values) {
    if (raw.error !== undefined) {
      rejected.push({ index: raw.index, reason: raw.error });
      continue;
    }
    const verdict = checkEvent(raw.value);
    if ('reason' in verdict) {
      rejected.push({ index: raw.index, reason: verdict.reason });
      continue;
    }
    // Identical means the same JSON once parsed: whitespace and escapes do not count, field order does
    // (a resent batch is the same text; re-serializing in sorted order cost more than all the rest of ingest).
    const event = storable(raw.value);
    if (event === undefined) {
      rejected.push({
        index: raw.index,
        reason:
          'the event cannot be stored: it nests deeper than 4,000 levels or holds text that is not valid Unicode (a lone surrogate)',
      });
      continue;
    }
    const id = hash('sha1', event, 'base64url');
    events.push({
      id,
      line: `{"event_id":"${id}","received_at":"${received}","event_at":"${verdict.eventAt}","event":${event}}`,
    });
  }
  return { events, rejected };
}

/** Stores the good events of a batch durably (identical ones once) and reports every bad one by index. */
export async function ingest(
  store: EventSink,
  values: Iterable<RawValue>,
  receivedAt = new Date(),
): Promise<IngestResult> {
  const { events, rejected } = prepareEvents(values, receivedAt);
  const committed = events.length > 0 ? await store.commit(events) : { accepted: 0, duplicates: 0, conflicts: [] };
  return { ...committed, rejected };
}
