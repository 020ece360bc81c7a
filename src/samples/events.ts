// Writes a realistic, deterministic customer event file at any scale: customers over six months with
// site visits to a catalogue of pages (popular pages visited by many customers, some pages several times
// by one), orders, images, UPDATEs (some older than the version they follow), events out of order,
// resent duplicates and a few bad events of every kind. The same scale always gives the same bytes.
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { once } from 'node:events';
import { seededRandom } from './random.js';

export interface EventSampleOptions {
  /** 1 gives about 300 customers and 30,000 events; the events grow in proportion. */
  scale: number;
  outPath: string;
  /** A JSON array with one event per line (the seed's format), or NDJSON. */
  format: 'array' | 'ndjson';
}

type Event = Record<string, unknown>;

const CUSTOMERS_PER_SCALE = 300;
/** The site's pages, at any scale: a SITE_VISIT's key is the page, so page ids repeat across visits. */
const PAGES = 400;
/** How often a customer goes back to a page of its own rather than to one of the catalogue. */
const REVISIT = 0.3;
/** Customers generated, shuffled and written together: bounds the memory at any scale. */
const BLOCK = 500;
// Sunday 2017-01-01 23:30 UTC (already Monday east of UTC) to Monday 2017-07-03 00:30 UTC.
const START = Date.UTC(2017, 0, 1, 23, 30);
const END = Date.UTC(2017, 6, 3, 0, 30);
const LAST_NAMES = [
  'Smith',
  'Johnson',
  'Williams',
  'Brown',
  'Jones',
  'Garcia',
  'Miller',
  'Davis',
  'Rodriguez',
  'Martinez',
  'Müller',
  "O'Brien",
  'Nguyen',
  'Kowalski',
  'Silva',
];
const PLACES = [
  ['Middletown', 'AK'],
  ['Springfield', 'IL'],
  ['Portland', 'OR'],
  ['Austin', 'TX'],
  ['Madison', 'WI'],
] as const;
const PAGE_KINDS = ['home', 'cart', 'album', 'gift'];
const CAMERAS = [
  ['Canon', 'EOS 80D'],
  ['Nikon', 'D750'],
  ['Sony', 'A7 III'],
  ['Apple', 'iPhone 7'],
] as const;

export async function generateEventSample({
  scale,
  outPath,
  format,
}: EventSampleOptions): Promise<{ events: number; customers: number }> {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`the scale must be a number above 0, not ${scale}`);
  const next = seededRandom(20170106);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!;
  const hex = () =>
    Math.floor(next() * 2 ** 24)
      .toString(16)
      .padStart(6, '0') +
    Math.floor(next() * 2 ** 24)
      .toString(16)
      .padStart(6, '0');
  // Nothing happens after END, so the timeframe is exactly START to END.
  const iso = (ms: number) => new Date(Math.round(Math.min(END, ms))).toISOString();
  const between = (from: number, to: number) => from + next() * (to - from);
  const usd = (cents: number) => `${(cents / 100).toFixed(2)} USD`;

  /** The catalogue, each page with its kind; page i is visited about 1/(i+1) as often as the first (Zipf). */
  const catalogue = Array.from({ length: PAGES }, () => ({ id: hex(), kind: pick(PAGE_KINDS) }));
  const cataloguePage = () => catalogue[Math.floor((PAGES + 1) ** next()) - 1]!;

  /** The first customer opens the timeframe at START and visits at END, so the week count is known. */
  function customerEvents(first: boolean): Event[] {
    const customerId = hex();
    const joined = first ? START : between(START, START + (END - START) * 0.6);
    const [city, state] = pick(PLACES);
    const events: Event[] = [
      {
        type: 'CUSTOMER',
        verb: 'NEW',
        key: customerId,
        event_time: iso(joined),
        last_name: pick(LAST_NAMES),
        adr_city: city,
        adr_state: state,
      },
    ];
    if (next() < 0.1) {
      events.push({
        type: 'CUSTOMER',
        verb: 'UPDATE',
        key: customerId,
        event_time: iso(between(joined, END)),
        last_name: pick(LAST_NAMES),
        adr_city: city,
        adr_state: state,
      });
    }
    // Activity is heavy-tailed: most customers visit a few times, some very often.
    const visits = Math.max(1, Math.round(Math.exp(next() * 6.1)));
    const spend = 800 + Math.floor(next() * next() * 20000);
    const ownPages: (typeof catalogue)[number][] = [];
    for (let v = 0; v < visits; v++) {
      const at = first && v === 0 ? END : between(joined, END);
      const page = ownPages.length > 0 && next() < REVISIT ? pick(ownPages) : cataloguePage();
      if (!ownPages.includes(page)) ownPages.push(page);
      events.push({
        type: 'SITE_VISIT',
        verb: 'NEW',
        key: page.id,
        event_time: iso(at),
        customer_id: customerId,
        tags: [{ page: page.kind }],
      });
      if (next() < 0.08) {
        events.push({
          type: 'IMAGE',
          verb: 'UPLOAD',
          key: hex(),
          event_time: iso(at + 60_000),
          customer_id: customerId,
          camera_make: pick(CAMERAS)[0],
          camera_model: pick(CAMERAS)[1],
        });
      }
      if (next() >= 0.2) continue;
      const orderId = hex();
      const orderAt = at + between(30_000, 1_800_000);
      const cents = Math.round(spend * (0.3 + next() * 1.4));
      events.push({
        type: 'ORDER',
        verb: 'NEW',
        key: orderId,
        event_time: iso(orderAt),
        customer_id: customerId,
        total_amount: usd(cents),
      });
      const roll = next();
      // A later UPDATE changes the amount; a stale one (older than the NEW) must lose.
      if (roll < 0.12) {
        events.push({
          type: 'ORDER',
          verb: 'UPDATE',
          key: orderId,
          event_time: iso(orderAt + between(60_000, 5 * 86_400_000)),
          customer_id: customerId,
          total_amount: usd(Math.round(cents * 0.8)),
        });
      } else if (roll < 0.15) {
        events.push({
          type: 'ORDER',
          verb: 'UPDATE',
          key: orderId,
          event_time: iso(orderAt - between(1_000, 600_000)),
          customer_id: customerId,
          total_amount: usd(cents * 3),
        });
      }
    }
    return events;
  }

  /** The bad events a real feed carries, each breaking one rule of docs/ltv-events.md. */
  function badEvent(like: Event): unknown {
    switch (Math.floor(next() * 6)) {
      case 0:
        return {
          ...like,
          type: 'ORDER',
          verb: 'NEW',
          key: hex(),
          total_amount: '12.34 EUR',
          customer_id: like.customer_id ?? like.key,
        };
      case 1:
        return { ...like, verb: 'DELETE' };
      case 2:
        return { ...like, event_time: 'yesterday' };
      case 3:
        return { type: 'SITE_VISIT', verb: 'NEW', key: hex(), event_time: like.event_time };
      case 4:
        return { ...like, type: 'PAGE_VIEW' };
      default:
        return 'not an event';
    }
  }

  const customers = Math.max(1, Math.round(CUSTOMERS_PER_SCALE * scale));
  const partial = `${outPath}.partial`;
  const out = createWriteStream(partial);
  const separator = format === 'array' ? ',\n' : '\n';
  let written = 0;
  try {
    if (format === 'array') out.write('[');
    for (let first = 0; first < customers; first += BLOCK) {
      // Each event with the time it is delivered at: its own, or for a bad one, the event it garbles.
      const timed: { at: string; event: unknown }[] = [];
      for (let c = first; c < Math.min(customers, first + BLOCK); c++) {
        for (const event of customerEvents(c === 0)) {
          const at = event.event_time as string;
          timed.push({ at, event });
          if (next() < 0.02) timed.push({ at, event }); // resent
          if (next() < 0.004) timed.push({ at, event: badEvent(event) });
        }
      }
      // Roughly in time order, as a feed delivers, but with neighbours swapped: UPDATEs can precede their NEW.
      timed.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
      const block = timed.map(({ event }) => event);
      for (let i = block.length - 1; i > 0; i--) {
        if (next() < 0.3) {
          const j = Math.max(0, i - 1 - Math.floor(next() * 20));
          [block[i], block[j]] = [block[j], block[i]];
        }
      }
      const text = `${written > 0 ? separator : ''}${block.map((event) => JSON.stringify(event)).join(separator)}`;
      written += block.length;
      if (!out.write(text)) await once(out, 'drain');
    }
    out.end(format === 'array' ? '\n]\n' : '\n');
    await once(out, 'close');
    await rename(partial, outPath);
    return { events: written, customers };
  } catch (error) {
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  }
}
