// Command-line entry point: `refresh`, `query`, `ltv`, `ingest`, `generate-sample`. Results go to
// stdout, problems to stderr with a non-zero exit. The only other place besides server.ts that may exit
// the process. Each command's module is loaded only when it runs, so `ltv` starts without the rest.
import { parseArgs } from 'node:util';
import { UsageError } from './errors.js';
import { loadConfig } from './config.js';

const USAGE = `usage:
  npm run refresh -- [--input PATH] [--db PATH]     rebuild the warehouse from the voucher parquet
  npm run query -- ["SQL"] [--db PATH]              run a read-only query against the warehouse;
                                                    without SQL, open a read-only SQL prompt
  npm run ltv -- top X [--events FILE] [--json]     the X customers with the highest lifetime value,
                                                    from FILE alone, or from the event store
  npm run ltv -- model [--events FILE] [--calibration-end YYYY-MM-DD [--holdout-end YYYY-MM-DD]] [--json]
                                                    fit the customer value model (BG/NBD, Gamma-Gamma)
  npm run ingest -- FILE                            append FILE's events to the event store
  npm run generate-sample -- [vouchers|events] [--scale N] [--out PATH]
                                                    write the deterministic voucher or event sample
  npm run generate-sample -- cdnow [--out PATH]     the CDNOW benchmark (data/cdnow) as ORDER events`;

/** The committed sample event file (a JSON array, one event per line). */
const SAMPLE_EVENTS = 'data/sample-events.json';
/** Where the CDNOW sample's events are written by default (not committed: generated from data/cdnow). */
const CDNOW_EVENTS = 'data/cdnow-events.ndjson';

async function generateSample(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args,
    options: { scale: { type: 'string', default: '1' }, out: { type: 'string' } },
    allowPositionals: true,
  });
  const [kind = 'vouchers', ...extra] = positionals;
  if (extra.length > 0 || !['vouchers', 'events', 'cdnow'].includes(kind)) {
    throw new UsageError(`generate-sample makes vouchers, events or cdnow, not ${positionals.join(' ')}`);
  }
  const config = loadConfig();
  const scale = Number(values.scale);
  const started = Date.now();
  if (kind === 'cdnow') {
    const outPath = values.out ?? CDNOW_EVENTS;
    const { events, customers } = await (await import('./samples/cdnow.js')).writeCdnowEvents(outPath);
    console.log(`wrote ${events} events of ${customers} customers to ${outPath} in ${Date.now() - started} ms`);
    return;
  }
  if (kind === 'events') {
    const outPath = values.out ?? SAMPLE_EVENTS;
    const format = outPath.endsWith('.ndjson') ? 'ndjson' : 'array';
    const { events, customers } = await (
      await import('./samples/events.js')
    ).generateEventSample({ scale, outPath, format });
    console.log(`wrote ${events} events of ${customers} customers to ${outPath} in ${Date.now() - started} ms`);
    return;
  }
  const outPath = values.out ?? config.DATA_PATH;
  const { rows } = await (
    await import('./samples/vouchers.js')
  ).generateVoucherSample({ scale, outPath, sqlDir: config.SQL_DIR });
  console.log(`wrote ${rows} rows to ${outPath} in ${Date.now() - started} ms`);
}

const COMMANDS: Record<string, (args: string[]) => Promise<void>> = {
  refresh: async (args) => (await import('./pipeline/commands.js')).refresh(args),
  query: async (args) => (await import('./warehouse/query.js')).query(args),
  ltv: async (args) => (await import('./ltv/commands.js')).ltv(args),
  ingest: async (args) => (await import('./ltv/commands.js')).ingestFile(args),
  'generate-sample': generateSample,
};

async function main(): Promise<void> {
  const [name, ...args] = process.argv.slice(2);
  const command = name === undefined ? undefined : COMMANDS[name];
  if (!command) throw new UsageError(name ? `unknown command ${name}` : 'no command given');
  // A person at a terminal sees each SQL step of a long refresh or ltv run; a program reading the output
  // (stderr not a terminal, or --json asked for) sees none of it.
  if (process.stderr.isTTY && !args.includes('--json')) {
    (await import('./pipeline/progress.js')).printSteps(process.stderr);
  }
  await command(args);
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  console.error(
    error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')
      ? `${message}\n${USAGE}`
      : `error: ${message}`,
  );
  process.exitCode = 1;
});
