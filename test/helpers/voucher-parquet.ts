// Writes small voucher parquet fixtures with the real file's schema (strings where it has strings,
// a UTC timestamp for first_order_ts, a double voucher_amount). Each row states only what its rule needs.
import { resolve } from 'node:path';
import { sqlString, withDatabase } from '../../src/warehouse/database.js';

export interface VoucherRow {
  timestamp?: string | null;
  country_code?: string | null;
  last_order_ts?: string | null;
  /** ISO text, written as a real UTC timestamp. */
  first_order_ts?: string | null;
  total_orders?: string | null;
  voucher_amount?: number | null;
}

/** An ordinary clean Peru row: 31 days since the last order ('30-60'), 10 orders ('5-13'), 2640. */
export const BASE_ROW: Required<VoucherRow> = {
  timestamp: '2020-05-20 15:43:38.364972+00:00',
  country_code: 'Peru',
  last_order_ts: '2020-04-19 00:00:00+00:00',
  first_order_ts: '2019-01-01 00:00:00+00:00',
  total_orders: '10.0',
  voucher_amount: 2640,
};

export async function writeVoucherParquet(path: string, rows: VoucherRow[]): Promise<void> {
  await withDatabase(':memory:', {}, async (connection) => {
    await connection.run(`create table fixture (
      "timestamp" varchar, country_code varchar, last_order_ts varchar,
      first_order_ts timestamptz, total_orders varchar, voucher_amount double)`);
    for (const row of rows) {
      const full = { ...BASE_ROW, ...row };
      await connection.run(
        'insert into fixture values ($timestamp::varchar, $country_code::varchar, $last_order_ts::varchar, $first_order_ts::timestamptz, $total_orders::varchar, $voucher_amount::double)',
        full,
      );
    }
    await connection.run(`copy fixture to ${sqlString(resolve(path))} (format parquet, compression gzip)`);
  });
}
