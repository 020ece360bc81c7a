// Writes the voucher sample parquet from sql/sample/voucher_sample.sql, deterministically, at any scale.
// Writes to a temporary file and renames it, so a half-written sample never replaces a good one.
import { mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { sqlString, withDatabase } from '../warehouse/database.js';

export interface SampleOptions {
  scale: number;
  outPath: string;
  sqlDir: string;
}

/**
 * DuckDB's share of memory while generating. Scale 100 (51 million rows) sorts about 2.5 GB of narrow
 * rows; past this limit DuckDB spills the sort to a folder beside the output instead of taking the machine.
 */
const MEMORY_LIMIT = '3GB';

export async function generateVoucherSample({ scale, outPath, sqlDir }: SampleOptions): Promise<{ rows: number }> {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`the scale must be a number above 0, not ${scale}`);
  const generator = await readFile(join(sqlDir, 'sample', 'voucher_sample.sql'), 'utf8');
  const partial = `${outPath}.partial`;
  const spill = await mkdtemp(join(dirname(resolve(outPath)), '.sample-spill-'));
  try {
    const rows = await withDatabase(':memory:', {}, async (connection) => {
      await connection.run(`set memory_limit = '${MEMORY_LIMIT}'`);
      await connection.run(`set temp_directory = ${sqlString(spill)}`);
      await connection.run(`set variable scale = ${scale}`);
      await connection.run(generator);
      // voucher_sample is a view: COPY streams it, in its order, and answers the number of rows written.
      const copied = await connection.runAndReadAll(
        `copy voucher_sample to ${sqlString(resolve(partial))} (format parquet, compression gzip)`,
      );
      return Number(copied.getRows()[0]?.[0] ?? 0);
    });
    await rename(partial, outPath);
    return { rows };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  } finally {
    await rm(spill, { recursive: true, force: true });
  }
}
