// Command-line entry point: `refresh`, `query`, `ltv`, `ingest`, `generate-sample`. Results go to
// stdout, problems to stderr with a non-zero exit. The only other place besides server.ts that may exit the process.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from './config.js';
import { Refresher } from './pipeline/refresher.js';
import type { RunSummary } from './pipeline/run-summary.js';
import { EventStore } from './ltv/event-store.js';
import { readEventFile } from './ltv/event-file.js';
import { ingest, type Rejection } from './ltv/ingest.js';
import type { CustomerLtv } from './ltv/customer-ltv.js';
import { generateEventSample } from './ltv/sample.js';
import { topLtvFromFile, topLtvFromStore } from './ltv/top-ltv.js';
import { formatTable } from './text-table.js';
import { withDatabase } from './warehouse/database.js';
import { generateVoucherSample } from './vouchers/sample.js';

const USAGE = `usage:
  npm run refresh -- [--input PATH] [--db PATH]     rebuild the warehouse from the voucher parquet
  npm run query -- "SQL" [--db PATH]                run a read-only query against the warehouse
  npm run ltv -- top X [--events FILE] [--json]     the X customers with the highest lifetime value,
                                                    from FILE alone, or from the event store
  npm run ingest -- FILE                            append FILE's events to the event store
  npm run generate-sample -- [vouchers|events] [--scale N] [--out PATH]
                                                    write the deterministic voucher or event sample`;

/** The committed sample event file (a JSON array, one event per line). */
const SAMPLE_EVENTS = 'data/sample-events.json';

/** How many rejected events are listed one by one on stderr before the rest are only counted. */
const LISTED_REJECTIONS = 100;

class UsageError extends Error {}

function describeRun(run: RunSummary): string {
  const counts = (byRule: Record<string, number>) =>
    Object.entries(byRule).map(([rule, rows]) => `    ${rule}: ${rows}`).join('\n') || '    none';
  return [
    `run ${run.run_id} ${run.status} in ${run.duration_ms} ms`,
    `  input: ${run.input_path} (${run.input_bytes} bytes)`,
    `  rows: ${run.rows_read} read, ${run.rows_kept} kept, ${run.rows_rejected} rejected`,
    `  rejected:\n${counts(run.rejected_by_rule)}`,
    `  kept but left out of a segment:\n${counts(run.excluded_by_rule)}`,
    `  segment_vouchers: ${run.segment_vouchers} rows`,
    `  sql checksum: ${run.sql_checksum}`,
  ].join('\n');
}

async function refresh(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { input: { type: 'string' }, db: { type: 'string' } } });
  const config = loadConfig();
  const log = pino({ level: 'silent' });
  const refresher = new Refresher({ ...config, DB_PATH: values.db ?? config.DB_PATH }, log);
  console.log(describeRun(await refresher.refresh({ inputPath: values.input })));
}

async function query(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { db: { type: 'string' } }, allowPositionals: true });
  const sql = positionals.join(' ').trim();
  if (!sql) throw new UsageError('query needs the SQL to run');
  const dbPath = values.db ?? loadConfig().DB_PATH;
  if (!existsSync(dbPath)) throw new Error(`no warehouse at ${dbPath}: run npm run refresh (or npm start) first`);
  await withDatabase(dbPath, { readOnly: true }, async (connection) => {
    const reader = await connection.runAndReadAll(sql);
    console.log(formatTable(reader.columnNames(), reader.getRowsJson()));
  });
}

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
    customers.map((c) => [c.customer_id, c.last_name, money(c.ltv), money(c.revenue), c.visits, money(c.revenue_per_visit), c.visits_per_week.toFixed(4)]),
  );
}

async function ltv(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { events: { type: 'string' }, json: { type: 'boolean', default: false } }, allowPositionals: true });
  const [action, count, ...extra] = positionals;
  if (action !== 'top' || extra.length > 0) throw new UsageError('ltv takes one action: top X');
  const x = count !== undefined && /^\d+$/.test(count) ? Number(count) : Number.NaN;
  if (!Number.isSafeInteger(x) || x < 1) throw new UsageError(`X must be a whole number of at least 1, not ${JSON.stringify(count ?? '')}`);
  const config = loadConfig();
  const { customers, rejected } = values.events
    ? await topLtvFromFile(values.events, x, config.SQL_DIR)
    : await topLtvFromStore(config.EVENTS_PATH, x, config.SQL_DIR);
  reportRejections(rejected);
  console.log(values.json ? JSON.stringify(customers, null, 2) : customerTable(customers));
}

async function ingestFile(args: string[]): Promise<void> {
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
  console.log(`${path}: ${total.accepted} accepted, ${total.duplicates} duplicate(s), ${total.rejected.length} rejected; stored in ${store.dir}`);
}

async function generateSample(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { scale: { type: 'string', default: '1' }, out: { type: 'string' } }, allowPositionals: true });
  const [kind = 'vouchers', ...extra] = positionals;
  if (extra.length > 0 || (kind !== 'vouchers' && kind !== 'events')) throw new UsageError(`generate-sample makes vouchers or events, not ${positionals.join(' ')}`);
  const config = loadConfig();
  const scale = Number(values.scale);
  const started = Date.now();
  if (kind === 'events') {
    const outPath = values.out ?? SAMPLE_EVENTS;
    const format = outPath.endsWith('.ndjson') ? 'ndjson' : 'array';
    const { events, customers } = await generateEventSample({ scale, outPath, format });
    console.log(`wrote ${events} events of ${customers} customers to ${outPath} in ${Date.now() - started} ms`);
    return;
  }
  const outPath = values.out ?? config.DATA_PATH;
  const { rows } = await generateVoucherSample({ scale, outPath, sqlDir: config.SQL_DIR });
  console.log(`wrote ${rows} rows to ${outPath} in ${Date.now() - started} ms`);
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { refresh, query, ltv, ingest: ingestFile, 'generate-sample': generateSample };

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) throw new UsageError(name ? `unknown command ${name}` : 'no command given');
  await command(args);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS') ? `${message}\n${USAGE}` : `error: ${message}`);
  process.exitCode = 1;
});
