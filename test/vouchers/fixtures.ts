// The voucher history the API tests answer from: Peru has data in two recency and two frequency
// variants, Latvia in one of each; Peru's most used amount overall is 2640.
import type { VoucherRow } from '../helpers/voucher-parquet.js';

const at = (day: number, hour: number) =>
  `2020-05-${String(day).padStart(2, '0')} ${String(hour).padStart(2, '0')}:00:00+00:00`;

export const HISTORY: VoucherRow[] = [
  // Peru, 31 days and 10 orders ('30-60', '5-13'): 2640 three times.
  ...[1, 2, 3].map((hour) => ({ timestamp: at(20, hour), voucher_amount: 2640 })),
  // Peru, 109 days and 20 orders ('91-120', '14-37'): 4400 twice.
  ...[1, 2].map((hour) => ({
    timestamp: at(20, hour),
    last_order_ts: '2020-02-01 00:00:00+00:00',
    total_orders: '20.0',
    voucher_amount: 4400,
  })),
  // Latvia, 31 days and 2 orders ('30-60', '0-4'): 1760.
  { country_code: 'Latvia', total_orders: '2.0', voucher_amount: 1760 },
];

export { SEED_REQUEST } from '../../src/vouchers/seed-request.js';
