// The benchmarks' generated inputs, kept in bench/tmp (ignored by git) so a rerun reuses them: voucher
// parquet files N times the sample (scale 100 takes minutes to write) and NDJSON event files.
// Both generators are deterministic; a voucher file's name carries its generator's checksum, so a
// changed generator writes a new one.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateEventSample } from '../samples/events.js';
import { generateVoucherSample } from '../samples/vouchers.js';

const BENCH_TMP = 'bench/tmp';

/** Scale 1 of the event generator writes about 31,000 events. */
const EVENTS_PER_SCALE = 31_168;

async function generated(path: string, write: () => Promise<unknown>): Promise<string> {
  if (existsSync(path)) return path;
  await mkdir(BENCH_TMP, { recursive: true });
  console.log(`generating ${path}, kept for later runs`);
  const started = performance.now();
  await write();
  console.log(`  written in ${((performance.now() - started) / 1000).toFixed(0)} s`);
  return path;
}

/** The voucher input `scale` times the sample. */
export async function voucherInput(scale: number, sqlDir: string): Promise<string> {
  const generator = await readFile(join(sqlDir, 'sample', 'voucher_sample.sql'));
  const version = createHash('sha256').update(generator).digest('hex').slice(0, 12);
  const path = join(BENCH_TMP, `vouchers-x${scale}-${version}.parquet.gzip`);
  return generated(path, () => generateVoucherSample({ scale, outPath: path, sqlDir }));
}

/** An NDJSON event file of about `events` events. */
export async function eventFile(events: number): Promise<string> {
  const path = join(BENCH_TMP, `events-${events}.ndjson`);
  return generated(path, () =>
    generateEventSample({ scale: events / EVENTS_PER_SCALE, outPath: path, format: 'ndjson' }),
  );
}
