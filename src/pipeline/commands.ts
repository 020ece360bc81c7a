// `npm run refresh`: rebuild the warehouse from the command line (`npm run query` is in warehouse/query.ts).
// Prints results; throws for cli.ts to report. Never exits the process.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { loadConfig } from '../config.js';
import { refresherOptions } from '../served-features.js';
import { Refresher } from './refresher.js';
import type { RunSummary } from './run-summary.js';

function describeRun(run: RunSummary): string {
  const counts = (byRule: Record<string, number>) =>
    Object.entries(byRule)
      .map(([rule, rows]) => `    ${rule}: ${rows}`)
      .join('\n') || '    none';
  const figures = run as Record<string, any>;
  return [
    `run ${run.run_id} ${run.status} in ${run.duration_ms} ms`,
    `  input: ${figures.input_path} (${figures.input_bytes} bytes)`,
    `  rows: ${figures.rows_read} read, ${figures.rows_kept} kept, ${figures.rows_rejected} rejected`,
    `  rejected:\n${counts(figures.rejected_by_rule)}`,
    `  kept but left out of a segment:\n${counts(figures.excluded_by_rule)}`,
    `  segment_vouchers: ${figures.segment_vouchers} rows`,
    `  events: ${figures.events_read} read from ${figures.events_path}, ${figures.latest_events} keys at their latest version, ${figures.customers} customers in customer_ltv`,
    `  sql checksum: ${run.sql_checksum}`,
  ].join('\n');
}

export async function refresh(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { input: { type: 'string' }, db: { type: 'string' } } });
  const config = loadConfig();
  const refresher = new Refresher(
    refresherOptions({ ...config, DB_PATH: values.db ?? config.DB_PATH }, pino({ level: 'silent' })),
  );
  console.log(describeRun(await refresher.refresh({ inputs: values.input ? { vouchers: values.input } : {} })));
}
