// A stored event line ({"event_id", "received_at", "event_at", "event"}, as ingest writes it) typed as the
// incremental state reads it. Ingest accepted every stored event, so only its fields are read here: the
// rules themselves are checked once, by ingest (src/ltv/events.ts) and again at compaction by the SQL.
import type { StateEvent } from './ltv-state.js';

export type StoredLineEvent = StateEvent & { line: string };

/** "12.34 USD" in cents, exactly (amounts have up to 15 digits, more than a double holds in cents). */
export function amountCents(text: string): bigint {
  const [units, cents] = text.slice(0, text.indexOf(' ')).split('.');
  return BigInt(units!) * 100n + BigInt(cents!);
}

/** The event of a stored line, typed; undefined for a line that is not one (never written by ingest). */
export function parseStoredLine(line: string): StoredLineEvent | undefined {
  let stored: { event_id?: unknown; event_at?: unknown; event?: Record<string, unknown> };
  try {
    stored = JSON.parse(line);
  } catch {
    return undefined;
  }
  const event = stored.event;
  if (
    typeof stored.event_id !== 'string' ||
    typeof stored.event_at !== 'string' ||
    !event ||
    typeof event !== 'object'
  ) {
    return undefined;
  }
  const type = String(event.type);
  return {
    line,
    id: stored.event_id,
    type,
    verb: String(event.verb),
    key: String(event.key),
    at: Date.parse(stored.event_at),
    customerId: type === 'CUSTOMER' ? null : String(event.customer_id),
    lastName: type === 'CUSTOMER' && typeof event.last_name === 'string' ? event.last_name : null,
    amountCents: type === 'ORDER' ? amountCents(String(event.total_amount)) : null,
  };
}
