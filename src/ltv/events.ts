// The rules an event must follow to be accepted (docs: ltv-events.md), checked one event at a time.
// Pure: never throws on bad input, never changes the event; the reason it gives is what the client reads.
import { parseTimestamp } from '../timestamps.js';

/** Each event type and the verbs it may carry. */
export const EVENT_VERBS: Readonly<Record<string, readonly string[]>> = {
  CUSTOMER: ['NEW', 'UPDATE'],
  SITE_VISIT: ['NEW'],
  IMAGE: ['UPLOAD'],
  ORDER: ['NEW', 'UPDATE'],
};

/** The types whose events are facts (each one counts), not versions of an entity (CUSTOMER, ORDER). */
const FACT_TYPES: ReadonlySet<string> = new Set(['SITE_VISIT', 'IMAGE']);

const AMOUNT = /^\d{1,15}\.\d{2} USD$/;
const OTHER_CURRENCY = /^-?\d+(?:\.\d+)? ([A-Za-z]{3})$/;

/**
 * The challenge's own sample wrote times with a colon for the T until early 2017 (2017-01-06:12:46:46.384Z):
 * read as that ISO time, in UTC. Only with seconds and Z, so no other text gains a meaning.
 */
const LEGACY_TIME = /^(\d{4}-\d{2}-\d{2}):(\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?Z)$/;

/** An event time: ISO 8601 as parseTimestamp reads it, or the legacy form above. */
function readEventTime(time: string): Date | undefined {
  const text = time.trim();
  const legacy = text[10] === ':' ? LEGACY_TIME.exec(text) : null;
  return parseTimestamp(legacy ? `${legacy[1]}T${legacy[2]}` : time);
}

/** An accepted event: its time as UTC ISO 8601 with milliseconds, which is what the SQL orders by. */
export interface Accepted {
  eventAt: string;
}

export interface Rejected {
  reason: string;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** The reason a required string field is unusable, or undefined if it is a non-empty string. */
function badString(event: Record<string, unknown>, field: string): string | undefined {
  const value = event[field];
  if (value === undefined || value === null || value === '') return `missing ${field}`;
  if (typeof value !== 'string') return `${field} must be a string, not ${describe(value)}`;
  return undefined;
}

function badAmount(value: unknown): string | undefined {
  if (value === undefined || value === null || value === '') return 'missing total_amount';
  if (typeof value !== 'string') return `total_amount must be a string like "12.34 USD", not ${describe(value)}`;
  if (AMOUNT.test(value)) return undefined;
  const currency = OTHER_CURRENCY.exec(value)?.[1];
  if (currency && currency.toUpperCase() !== 'USD') {
    return `total_amount ${JSON.stringify(value)} is not in USD (amounts are not converted)`;
  }
  return `total_amount ${JSON.stringify(value)} is not an amount like "12.34 USD"`;
}

/** Accepts an event with its UTC time, or rejects it with the first rule it breaks. */
export function checkEvent(value: unknown): Accepted | Rejected {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return { reason: `an event must be a JSON object, not ${describe(value)}` };
  }
  const event = value as Record<string, unknown>;
  const typeProblem = badString(event, 'type');
  if (typeProblem) return { reason: typeProblem };
  const type = event.type as string;
  const verbs = Object.hasOwn(EVENT_VERBS, type) ? EVENT_VERBS[type] : undefined;
  if (!verbs) {
    return { reason: `unknown type ${JSON.stringify(type)} (expected one of ${Object.keys(EVENT_VERBS).join(', ')})` };
  }
  const verbProblem = badString(event, 'verb');
  if (verbProblem) return { reason: verbProblem };
  if (!verbs.includes(event.verb as string)) {
    return { reason: `unknown verb ${JSON.stringify(event.verb)} for type ${type} (expected ${verbs.join(' or ')})` };
  }
  const problem =
    badString(event, 'key') ??
    badString(event, 'event_time') ??
    (type === 'CUSTOMER' ? undefined : badString(event, 'customer_id')) ??
    (type === 'ORDER' ? badAmount(event.total_amount) : undefined) ??
    (event.last_name !== undefined && event.last_name !== null && typeof event.last_name !== 'string'
      ? `last_name must be a string, not ${describe(event.last_name)}`
      : undefined);
  if (problem) return { reason: problem };
  const time = event.event_time as string;
  // The SQL's trim() removes only space separators (Unicode Zs) around a time, JavaScript's also tabs, line
  // breaks and U+FEFF: a time only ingest can read would be stored, then refused by the SQL (stored_events_agree).
  const trimmedAlike = time.trim() === time.replace(/^\p{Zs}+|\p{Zs}+$/gu, '');
  const at = trimmedAlike ? readEventTime(time) : undefined;
  if (!at) {
    return {
      reason: `unreadable event_time ${JSON.stringify(time)} (expected ISO 8601 such as 2017-01-06T12:46:46.384Z)`,
    };
  }
  // The usual form (2017-01-06T12:46:46.384Z) is already what toISOString would write: skip the work.
  return {
    eventAt: time.length === 24 && time[10] === 'T' && time[19] === '.' && time[23] === 'Z' ? time : at.toISOString(),
  };
}

/**
 * What an accepted event is a version of, as sql/ltv/040_latest_events.sql groups events: a customer or an
 * order is identified by its key (its latest version counts); a site visit or an image is a fact, identified
 * by its customer, key and time (`eventAt`, as checkEvent gives it), so only a resend of the same visit shares
 * its identity, never another visit to the same page.
 */
export function identityOf(event: Record<string, unknown>, eventAt: string): string {
  const { type, key, customer_id: customerId } = event;
  return JSON.stringify(FACT_TYPES.has(type as string) ? [type, key, customerId, eventAt] : [type, key]);
}
