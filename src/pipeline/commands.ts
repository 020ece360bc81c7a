// `npm run refresh` and `npm run query`: rebuild the warehouse, or read it, from the command line.
// Prints results; throws for cli.ts to report. Never exits the process.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { UsageError } from '../cli-usage.js';
import { loadConfig } from '../config.js';
import { formatTable } from '../text-table.js';
import { withDatabase } from '../warehouse/database.js';
import { Refresher } from './refresher.js';
import type { RunSummary } from './run-summary.js';

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
    `  events: ${run.events_read} read from ${run.events_path}, ${run.latest_events} keys at their latest version, ${run.customers} customers in customer_ltv`,
    `  sql checksum: ${run.sql_checksum}`,
  ].join('\n');
}

export async function refresh(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { input: { type: 'string' }, db: { type: 'string' } } });
  const config = loadConfig();
  const log = pino({ level: 'silent' });
  const refresher = new Refresher({ ...config, DB_PATH: values.db ?? config.DB_PATH }, log);
  console.log(describeRun(await refresher.refresh({ inputPath: values.input })));
}

export async function query(args: string[]): Promise<void> {
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
