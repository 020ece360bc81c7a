// `npm run ltv -- top X` and `npm run ingest -- FILE`: the seed's program and Ingest(e, D) from the
// command line. Results on stdout, rejected events on stderr; throws for cli.ts to report.
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { loadConfig } from '../config.js';
import { formatTable } from '../text-table.js';
import type { CustomerLtv } from './customer-ltv.js';
import { readEventFile } from './event-file.js';
import { EventStore } from './event-store.js';
import { ingest, type Rejection } from './ingest.js';
import { topLtvFromFile, topLtvFromStore } from './top-ltv.js';

/** How many rejected events are listed one by one on stderr before the rest are only counted. */
const LISTED_REJECTIONS = 100;

function reportRejections(rejected: Rejection[]): void {
  if (rejected.length === 0) return;
  const listed = rejected.slice(0, LISTED_REJECTIONS).map((event) => `  event ${event.index}: ${event.reason}`);
  if (rejected.length > LISTED_REJECTIONS) listed.push(`  ... and ${rejected.length - LISTED_REJECTIONS} more`);
  console.error(`${rejected.length} event(s) rejected:\n${listed.join('\n')}`);
}

function customerTable(customers: CustomerLtv[]): string {
  const money = (value: number | null) => (value === null ? null : value.toFixed(2));
  return formatTable(
    ['customer_id', 'last_name', 'ltv', 'revenue', 'visits', 'revenue_per_visit', 'visits_per_week'],
    customers.map((c) => [
      c.customer_id,
      c.last_name,
      money(c.ltv),
      money(c.revenue),
      c.visits,
      money(c.revenue_per_visit),
      c.visits_per_week.toFixed(4),
    ]),
  );
}

export async function ltv(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { events: { type: 'string' }, json: { type: 'boolean', default: false } },
    allowPositionals: true,
  });
  const [action, count, ...extra] = positionals;
  if (action !== 'top' || extra.length > 0) throw new UsageError('ltv takes one action: top X');
  const x = count !== undefined && /^\d+$/.test(count) ? Number(count) : Number.NaN;
  if (!Number.isSafeInteger(x) || x < 1) {
    throw new UsageError(`X must be a whole number of at least 1, not ${JSON.stringify(count ?? '')}`);
  }
  const config = loadConfig();
  const { customers, rejected } = values.events
    ? await topLtvFromFile(values.events, x, config.SQL_DIR)
    : await topLtvFromStore(config.EVENTS_PATH, x, config.SQL_DIR);
  reportRejections(rejected);
  console.log(values.json ? JSON.stringify(customers, null, 2) : customerTable(customers));
}

export async function ingestFile(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('ingest takes one event file');
  const path = positionals[0]!;
  const store = await EventStore.open(loadConfig().EVENTS_PATH);
  const total = { accepted: 0, duplicates: 0, rejected: [] as Rejection[] };
  const receivedAt = new Date();
  for await (const values of readEventFile(path)) {
    const result = await ingest(store, values, receivedAt);
    total.accepted += result.accepted;
    total.duplicates += result.duplicates;
    total.rejected.push(...result.rejected);
  }
  reportRejections(total.rejected);
  console.log(
    `${path}: ${total.accepted} accepted, ${total.duplicates} duplicate(s), ${total.rejected.length} rejected; stored in ${store.dir}`,
  );
}
