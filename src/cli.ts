// Command-line entry point: `refresh`, `query` and `generate-sample`. Results go to stdout, problems to
// stderr with a non-zero exit. The only other place besides server.ts that may exit the process.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from './config.js';
import { Refresher } from './pipeline/refresher.js';
import type { RunSummary } from './pipeline/run-summary.js';
import { formatTable } from './text-table.js';
import { withDatabase } from './warehouse/database.js';
import { generateVoucherSample } from './vouchers/sample.js';

const USAGE = `usage:
  npm run refresh -- [--input PATH] [--db PATH]     rebuild the warehouse from the voucher parquet
  npm run query -- "SQL" [--db PATH]                run a read-only query against the warehouse
  npm run generate-sample -- [--scale N] [--out PATH]  write the deterministic voucher sample`;

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

async function generateSample(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { scale: { type: 'string', default: '1' }, out: { type: 'string' } } });
  const config = loadConfig();
  const outPath = values.out ?? config.DATA_PATH;
  const started = Date.now();
  const { rows } = await generateVoucherSample({ scale: Number(values.scale), outPath, sqlDir: config.SQL_DIR });
  console.log(`wrote ${rows} rows to ${outPath} in ${Date.now() - started} ms`);
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = { refresh, query, 'generate-sample': generateSample };

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
