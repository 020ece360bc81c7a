// The voucher feature's part of a refresh (sql/vouchers/): the input parquet as raw_voucher_assignments,
// what the server serves (snapshot rows), and the seed's { country_code } check. Runs in the pipeline worker.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../errors.js';
import type { FeatureRun, PipelineFeature } from '../pipeline/feature.js';
import { firstLine, queryRows, sqlString } from '../warehouse/database.js';
import { countryKey, type SnapshotRows } from './snapshot.js';

/** The columns sql/vouchers/010_stg_voucher_assignments.sql reads; change both together. */
const VOUCHER_COLUMNS = [
  'timestamp',
  'country_code',
  'last_order_ts',
  'first_order_ts',
  'total_orders',
  'voucher_amount',
];

/** Types staging can read (it casts text and numbers): a list, struct, map, boolean or blob is another file's shape. */
const SCALAR_TYPE =
  /^(VARCHAR|TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|UHUGEINT|FLOAT|DOUBLE|DECIMAL\(\d+,\d+\)|DATE|TIME|TIMESTAMP.*)$/;

async function inputSize(inputPath: string): Promise<number> {
  try {
    const info = await stat(inputPath);
    if (!info.isFile()) throw new AppError(422, 'INPUT_UNREADABLE', `input is not a file: ${inputPath}`);
    return info.size;
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(422, 'INPUT_NOT_FOUND', `input file not found: ${inputPath} (${(error as Error).message})`);
  }
}

/** raw_voucher_assignments: a view over the parquet, checked for the columns staging reads. */
async function attach({ connection, input }: FeatureRun): Promise<void> {
  const inputPath = String(input);
  const bytes = await inputSize(inputPath);
  await connection.run(`set variable voucher_input_path = ${sqlString(resolve(inputPath))}`);
  await connection.run(`set variable voucher_input_bytes = ${bytes}::bigint`);
  const source = `read_parquet(${sqlString(resolve(inputPath))}, file_row_number = true)`;
  try {
    await connection.run(`create or replace view raw_voucher_assignments as select * from ${source}`);
  } catch (error) {
    throw new AppError(
      422,
      'INPUT_UNREADABLE',
      `input is not a readable parquet file: ${inputPath} (${firstLine(error)})`,
      true,
      { cause: error },
    );
  }
  const columns = await queryRows<{ column_name: string; column_type: string }>(
    connection,
    'select column_name, column_type from (describe raw_voucher_assignments)',
  );
  const present = new Set(columns.map((column) => column.column_name));
  const missing = VOUCHER_COLUMNS.filter((column) => !present.has(column));
  if (missing.length > 0) {
    throw new AppError(422, 'INPUT_SCHEMA_MISMATCH', `input ${inputPath} lacks the column(s) ${missing.join(', ')}`);
  }
  const misfits = columns.filter(
    (column) => VOUCHER_COLUMNS.includes(column.column_name) && !SCALAR_TYPE.test(column.column_type),
  );
  if (misfits.length > 0) {
    const found = misfits.map((column) => `${column.column_name} is ${column.column_type}`).join(', ');
    throw new AppError(
      422,
      'INPUT_SCHEMA_MISMATCH',
      `input ${inputPath} has column(s) of another type: ${found} (expected text, a number or a timestamp)`,
    );
  }
}

/** The rows a snapshot is built from (and the run's data_quality, for the dashboard), with parameterized queries. */
async function load(connection: DuckDBConnection): Promise<SnapshotRows> {
  return {
    definitions: await queryRows(
      connection,
      'select segment_name, segment_variant, measure, lower_bound, upper_bound from segment_definitions order by segment_name, lower_bound',
    ),
    countries: await queryRows(
      connection,
      'select country_key, country_code, voucher_amount, voucher_count, country_rows as rows from country_vouchers',
    ),
    variants: await queryRows(
      connection,
      'select country_key, country_code, segment_name, segment_variant, voucher_amount, voucher_count, variant_rows as rows from segment_vouchers',
    ),
    data_quality: await queryRows(
      connection,
      'select rule, effect, rows from data_quality order by effect, rows desc, rule',
    ),
  };
}

/** The seed's { country_code }: the refresh fails, and nothing changes, unless the new data has this country. */
function verify({ options }: FeatureRun, loaded: unknown): void {
  const wanted = options.country_code;
  if (typeof wanted !== 'string') return;
  if (!(loaded as SnapshotRows).countries.some((country) => country.country_key === countryKey(wanted))) {
    throw new AppError(
      422,
      'UNKNOWN_COUNTRY',
      `the input has no clean rows for country_code ${JSON.stringify(wanted)}; nothing was changed`,
    );
  }
}

export const vouchersPipeline: PipelineFeature = { name: 'vouchers', attach, load, verify };
