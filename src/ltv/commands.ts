// `npm run ltv -- top X` and `npm run ingest -- FILE`: the seed's program and Ingest(e, D) from the
// command line (`ltv model` is src/clv/commands.ts, sharing the reading of event files and its reports).
// Results on stdout; rejected events and order conflicts on stderr; throws for cli.ts to report.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { UsageError } from '../errors.js';
import { loadConfig } from '../config.js';
import { formatTable } from '../text-table.js';
import type { CustomerLtv } from './customer-ltv.js';
import { EVENT_FILE_FORMAT, readEventFile, readEventFileHead } from './event-file.js';
import { EventStore } from './store/event-store.js';
import { ingest, type Rejection } from './ingest.js';
import type { OrderConflict } from './order-conflicts.js';
import type { EventReport } from './pipeline.js';
import type { Timeframe } from './report-rows.js';
import { topLtvFromFiles, topLtvFromStore } from './top-ltv.js';

/** How many rejected events or conflicts are listed one by one on stderr before the rest are only counted. */
const LISTED = 100;

/** Writes a headline and the first LISTED lines to stderr, then how many more there are. */
function reportList<T>(items: T[], headline: string, line: (item: T) => string): void {
  if (items.length === 0) return;
  const listed = items.slice(0, LISTED).map((item) => `  ${line(item)}`);
  if (items.length > LISTED) listed.push(`  ... and ${items.length - LISTED} more`);
  console.error(`${items.length} ${headline}:\n${listed.join('\n')}`);
}

/** Rejected events by index; `named`: each with its file too (when several files are read as one). */
function reportRejections(rejected: (Rejection & { file?: string | null })[], named = false): void {
  reportList(rejected, 'event(s) rejected', (event) =>
    named ? `${event.file} event ${event.index}: ${event.reason}` : `event ${event.index}: ${event.reason}`,
  );
}

/** Order ids that NEW orders of different customers share: the data's problem, shown, never fatal. */
function reportConflicts(conflicts: OrderConflict[]): void {
  reportList(
    conflicts,
    "order id(s) used by the NEW orders of different customers (each counts once, for its latest version's customer)",
    (conflict) =>
      `order ${conflict.order_id}: NEW by ${conflict.new_orders
        .map((order) => `${order.customer_id} (${order.amount} USD)`)
        .join(', ')}; counted for ${conflict.counted_customer_id} (${conflict.counted_amount} USD)`,
  );
}

/** The line under the table: the timeframe the values are averaged over, and its weeks. */
function describeTimeframe(timeframe: Timeframe | undefined): string {
  if (!timeframe) return 'timeframe: none (no events)';
  const weeks = `${timeframe.weeks} week${timeframe.weeks === 1 ? '' : 's'}`;
  return `timeframe: ${timeframe.start_at} to ${timeframe.end_at}, ${weeks} (Monday to Sunday, UTC)`;
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

/** Marks an argument such as -1 so that parseArgs reads it as X, not as an unknown option (argv never holds NUL). */
const NUMBER_MARK = '\0';
const unmark = (arg: string) => (arg.startsWith(NUMBER_MARK) ? arg.slice(1) : arg);

/** What `ltv` reads besides its action: the options of `top` and of `model`. */
export interface LtvOptions {
  events: string[];
  json: boolean;
  calibrationEnd: string | undefined;
  holdoutEnd: string | undefined;
}

/** `top X [--events FILE]... [--json]`, `model [...]`: X may look like an option (-1), and a lone -- changes nothing. */
function parseLtvArgs(args: string[]): LtvOptions & { positionals: string[] } {
  const { values, positionals } = parseArgs({
    args: args.filter((arg) => arg !== '--').map((arg) => (/^-\d/.test(arg) ? NUMBER_MARK + arg : arg)),
    options: {
      events: { type: 'string', multiple: true },
      json: { type: 'boolean', default: false },
      'calibration-end': { type: 'string' },
      'holdout-end': { type: 'string' },
    },
    allowPositionals: true,
  });
  const text = (value: string | undefined) => (value === undefined ? undefined : unmark(value));
  return {
    positionals: positionals.map(unmark),
    events: (values.events ?? []).map(unmark),
    json: values.json,
    calibrationEnd: text(values['calibration-end']),
    holdoutEnd: text(values['holdout-end']),
  };
}

/** X of `top X`: a whole number of at least 1; anything else is refused with what X must be. */
function topCount(count: string | undefined): number {
  const x = count !== undefined && /^\d+$/.test(count) ? Number(count) : Number.NaN;
  if (Number.isSafeInteger(x) && x >= 1) return x;
  throw new UsageError(
    `X must be a whole number of at least 1, ${count === undefined ? 'and none was given' : `not ${JSON.stringify(count)}`}`,
  );
}

export async function ltv(args: string[]): Promise<void> {
  const { positionals, ...options } = parseLtvArgs(args);
  const [action, ...rest] = positionals;
  if (action === 'model') return (await import('../clv/commands.js')).model(rest, options);
  if (action !== 'top') throw new UsageError('ltv takes one action: top X, or model');
  const [count, ...extra] = rest;
  const x = topCount(count);
  if (extra.length > 0) throw new UsageError(`ltv takes one action: top X, not also ${extra.join(' ')}`);
  if (options.calibrationEnd !== undefined || options.holdoutEnd !== undefined) {
    throw new UsageError('--calibration-end and --holdout-end are options of ltv model, not of ltv top');
  }
  const paths = eventPaths(options.events);
  const config = loadConfig();
  const report =
    paths.length > 0
      ? await topLtvFromFiles(paths, x, config.SQL_DIR)
      : await topLtvFromStore(config.EVENTS_PATH, x, config.SQL_DIR);
  reportEvents(paths, report);
  console.log(
    options.json
      ? JSON.stringify(report.customers, null, 2)
      : `${customerTable(report.customers)}\n${describeTimeframe(report.timeframe)}`,
  );
}

/** The --events paths, refused when one names a file twice. */
export function eventPaths(paths: string[]): string[] {
  const twice = paths.find((path, i) => paths.findIndex((other) => resolve(other) === resolve(path)) !== i);
  if (twice !== undefined) throw new UsageError(`--events names ${twice} more than once`);
  return paths;
}

/**
 * What every report from event files says on stderr before its answer: a file that gave nothing is refused, never
 * half-used (its events would be missing from the answer); then the rejected events and the order conflicts.
 */
export function reportEvents(paths: string[], report: EventReport): void {
  for (const path of paths) {
    const counts = report.files.get(path);
    if (!counts || counts.values === 0) {
      throw new Error(`the event file ${path} holds no events (${EVENT_FILE_FORMAT})`);
    }
    if (counts.unreadable === counts.values) {
      throw new Error(
        `the event file ${path} is not JSON: none of its ${counts.values} value(s) could be read (${EVENT_FILE_FORMAT})`,
      );
    }
  }
  reportRejections(report.rejected, paths.length > 1);
  for (const path of paths) {
    const { values: events, accepted } = report.files.get(path)!;
    if (accepted === 0) throw new Error(`every event of the event file ${path} was rejected (${events}, listed above)`);
  }
  reportConflicts(report.conflicts);
}

export async function ingestFile(args: string[]): Promise<void> {
  const { positionals } = parseArgs({ args, options: {}, allowPositionals: true });
  if (positionals.length !== 1) throw new UsageError('ingest takes one event file');
  const path = positionals[0]!;
  await readEventFileHead(path);
  const config = loadConfig();
  const store = await EventStore.open(config.EVENTS_PATH, config.SQL_DIR);
  const total = { values: 0, readable: 0, accepted: 0, duplicates: 0, rejected: [] as Rejection[] };
  const receivedAt = new Date();
  for await (const values of readEventFile(path)) {
    const result = await ingest(store, values, receivedAt);
    total.values += values.length;
    total.readable += values.filter((raw) => raw.error === undefined).length;
    total.accepted += result.accepted;
    total.duplicates += result.duplicates;
    total.rejected.push(...result.rejected);
  }
  // As POST /events answers a 400 for a body that is not JSON: no value could be read, so nothing was stored.
  if (total.values > 0 && total.readable === 0) {
    throw new Error(
      `the event file ${path} is not JSON: none of its ${total.values} value(s) could be read, so nothing was stored (${EVENT_FILE_FORMAT})`,
    );
  }
  // The next command, or a server's start, reads the state from it instead of from every event.
  await store.snapshotIfDue();
  reportRejections(total.rejected);
  console.log(
    `${path}: ${total.accepted} accepted, ${total.duplicates} duplicate(s), ${total.rejected.length} rejected; stored in ${store.dir}`,
  );
}
