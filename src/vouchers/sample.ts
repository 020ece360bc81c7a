// Writes the voucher sample parquet from sql/sample/voucher_sample.sql, deterministically, at any scale.
// Writes to a temporary file and renames it, so a half-written sample never replaces a good one.
import { readFile, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { queryRows, sqlString, withDatabase } from '../warehouse/database.js';

export interface SampleOptions {
  scale: number;
  outPath: string;
  sqlDir: string;
}

export async function generateVoucherSample({ scale, outPath, sqlDir }: SampleOptions): Promise<{ rows: number }> {
  if (!Number.isFinite(scale) || scale <= 0) throw new Error(`the scale must be a number above 0, not ${scale}`);
  const generator = await readFile(join(sqlDir, 'sample', 'voucher_sample.sql'), 'utf8');
  const partial = `${outPath}.partial`;
  try {
    const rows = await withDatabase(':memory:', {}, async (connection) => {
      await connection.run(`set variable scale = ${scale}`);
      await connection.run(generator);
      await connection.run(`copy voucher_sample to ${sqlString(resolve(partial))} (format parquet, compression gzip)`);
      const [count] = await queryRows<{ rows: number }>(connection, 'select count(*)::double as rows from voucher_sample');
      return count?.rows ?? 0;
    });
    await rename(partial, outPath);
    return { rows };
  } catch (error) {
    await rm(partial, { force: true });
    throw error;
  }
}
