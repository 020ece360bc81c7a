// Hostile bodies for POST /events: single events, arrays and NDJSON of mutated events, random and broken text,
// deep nesting, odd content types. Whatever the server would accept stays away from the customers that exist.
import { checkEvent } from '../../src/ltv/events.js';
import { splitValues } from '../../src/ltv/event-text.js';
import { parseTimestamp } from '../../src/timestamps.js';
import { jsonBodies, ODD_CONTENT_TYPES, withType, type HostileRequest } from './hostile-bodies.js';
import { Hostile, objectOf, write, type Obj } from './hostile-values.js';

/** The customers generated events may name: none that existed before, some with hostile ids. */
export const FUZZ_CUSTOMERS = [
  'fuzz-plain',
  "fuzz-'; drop table customer_ltv; --",
  'fuzz-😀',
  'fuzz-__proto__',
  'fuzz-constructor',
  'fuzz-a\u0000b',
  'fuzz-Müller',
  'fuzz-\u202eLTR',
  'fuzz- ',
  'fuzz-%s%n',
  'fuzz-" or ""="',
  'fuzz-\\',
  'fuzz-\n',
  `fuzz-${'x'.repeat(300)}`,
  'fuzz-e\u0301',
  'fuzz-ＰＥＲＵ',
  'fuzz-\u2028',
  'fuzz-<script>',
  'fuzz-null',
  'fuzz-0',
];
const FUZZ_CUSTOMER_SET = new Set(FUZZ_CUSTOMERS);

/** The timeframe of the events that existed before: generated events stay inside it, so the week count does not move. */
export interface Timeframe {
  from: Date;
  to: Date;
}

const EVENT_WORDS = [
  'CUSTOMER',
  'SITE_VISIT',
  'IMAGE',
  'ORDER',
  'NEW',
  'UPDATE',
  'UPLOAD',
  '12.34 USD',
  '2017-01-06T12:46:46.384Z',
  'fuzz-plain',
];
const EVENT_FIELDS = ['type', 'verb', 'key', 'event_time', 'customer_id', 'total_amount', 'last_name', 'tags'];

/** The values the server reads out of an /events body, by the server's own rules (src/ltv/routes.ts). */
function valuesOf(text: string, ndjson: boolean): unknown[] {
  if (ndjson) return splitValues(text).map(({ value }) => value);
  try {
    const body: unknown = JSON.parse(text);
    return Array.isArray(body) ? body : [body];
  } catch {
    return text.trimStart().startsWith('[') ? splitValues(text).map(({ value }) => value) : [];
  }
}

class EventMaker {
  #serial = 0;

  constructor(
    readonly hostile: Hostile,
    readonly frame: Timeframe,
  ) {}

  time(): string {
    const { from, to } = this.frame;
    const at = new Date(from.getTime() + Math.floor(this.hostile.random() * (to.getTime() - from.getTime())));
    const iso = at.toISOString();
    return this.hostile.pick([
      iso,
      iso.replace('T', ' ').replace('Z', ''),
      iso.slice(0, 19),
      `${iso.slice(0, 19)}+00:00`,
    ]);
  }

  /** A good event of a random type, for a fresh key and a fuzz customer. */
  template(): Obj {
    const { hostile } = this;
    const base = { key: `fuzz-${this.#serial++}`, event_time: this.time(), customer_id: hostile.pick(FUZZ_CUSTOMERS) };
    switch (hostile.int(4)) {
      case 0:
        return objectOf({
          type: 'CUSTOMER',
          verb: hostile.pick(['NEW', 'UPDATE']),
          key: base.customer_id,
          event_time: base.event_time,
          last_name: hostile.chance(0.5) ? 'Smith' : hostile.string(),
          adr_city: 'Middletown',
        });
      case 1:
        return objectOf({ type: 'SITE_VISIT', verb: 'NEW', ...base, tags: [{ 'some key': 'some value' }] });
      case 2:
        return objectOf({ type: 'IMAGE', verb: 'UPLOAD', ...base, camera_make: 'Canon' });
      default:
        return objectOf({
          type: 'ORDER',
          verb: hostile.pick(['NEW', 'UPDATE']),
          ...base,
          total_amount: `${hostile.int(100_000)}.${String(hostile.int(100)).padStart(2, '0')} USD`,
        });
    }
  }

  /** Whether the server would store this value for a customer or a timeframe other than the fuzz ones. */
  strays(value: unknown): boolean {
    if ('reason' in checkEvent(value)) return false;
    const event = value as Record<string, string>;
    const at = parseTimestamp(event.event_time!)!;
    const customer = event.type === 'CUSTOMER' ? event.key! : event.customer_id!;
    return (
      !event.key!.startsWith('fuzz-') || !FUZZ_CUSTOMER_SET.has(customer) || at < this.frame.from || at > this.frame.to
    );
  }

  /** A mutated event as text (a good one with `1 - mutated` chance); one the server would accept is moved to a fresh key, a fuzz customer and the timeframe. */
  event(mutated = 1): [string, string] {
    const { hostile } = this;
    if (!hostile.chance(mutated)) return ['good', write(this.template())];
    if (hostile.chance(0.1)) {
      return hostile.chance(0.5)
        ? ['random JSON', write(hostile.value(2, EVENT_WORDS))]
        : ['broken', String(hostile.broken(write(this.template()))[1])];
    }
    const event = this.template();
    const label = hostile.mutate(event, EVENT_FIELDS, EVENT_WORDS);
    let value: unknown;
    try {
      value = JSON.parse(write(event));
    } catch {
      return [label, write(event)];
    }
    if (this.strays(value)) {
      const fields = value as Record<string, unknown>;
      const customer = hostile.pick(FUZZ_CUSTOMERS);
      if (fields.type === 'CUSTOMER') event.set('key', customer);
      else {
        event.set('key', `fuzz-${this.#serial++}-${String(fields.key).slice(0, 40)}`);
        event.set('customer_id', customer);
      }
      const at = parseTimestamp(String(fields.event_time));
      if (!at || at < this.frame.from || at > this.frame.to) event.set('event_time', this.time());
    }
    return [label, write(event)];
  }
}

/**
 * Bodies for POST /events: one event, arrays and NDJSON of mutated events, random and broken text, deep
 * nesting, odd content types. Any event the server would accept names a fuzz customer (FUZZ_CUSTOMERS) with
 * a fresh key inside `frame`, so the customers that existed before keep their lifetime values.
 */
export function* eventRequests(seed: number, frame: Timeframe): Generator<HostileRequest> {
  const hostile = new Hostile(seed);
  const maker = new EventMaker(hostile, frame);
  const others = jsonBodies(
    hostile,
    () => maker.template(),
    EVENT_WORDS,
    (object) => object.set('tags', 'x'.repeat(2_000_000)),
  );
  for (;;) {
    const roll = hostile.random();
    let label: string;
    let body: string | Uint8Array;
    let contentType: string | undefined = 'application/json';
    if (roll < 0.3) {
      [label, body] = maker.event();
      label = `one event: ${label}`;
    } else if (roll < 0.6 || roll > 0.985) {
      const count = roll > 0.985 ? 1_000 : 1 + hostile.int(40);
      const events = Array.from({ length: count }, () => maker.event(count > 40 ? 0.1 : 1));
      label = `an array of ${count} events: ${events
        .filter(([what]) => what !== 'good')
        .slice(0, 3)
        .map(([what]) => what)
        .join('; ')}`;
      body = `[${events.map(([, text]) => text).join(hostile.pick([',', ',\n', ' , ']))}]`;
    } else if (roll < 0.8) {
      const events = Array.from({ length: 1 + hostile.int(40) }, () => maker.event());
      label = `${events.length} NDJSON lines: ${events
        .slice(0, 3)
        .map(([what]) => what)
        .join('; ')}`;
      body = events.map(([, text]) => text).join(hostile.pick(['\n', '\r\n', '\n\n']));
      contentType = 'application/x-ndjson';
    } else {
      ({ label, body, contentType } = others.next().value!);
    }
    if (hostile.chance(0.05)) contentType = hostile.pick(ODD_CONTENT_TYPES);
    const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    const media = contentType?.split(';')[0]!.trim().toLowerCase();
    if (
      (media === 'application/json' || media === 'application/x-ndjson') &&
      valuesOf(text, contentType!.includes('ndjson')).some((value) => maker.strays(value))
    ) {
      continue;
    }
    yield { label, method: 'POST', path: '/events', body, headers: withType(contentType) };
  }
}
