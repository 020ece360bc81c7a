// The voucher inputs the reliability suite refreshes with: two good ones whose answers to the seed
// request differ (so every answer tells which run it came from) and three that a refresh must refuse.
import { rm, writeFile } from 'node:fs/promises';
import { writeVoucherParquet, type VoucherRow } from './voucher-parquet.js';
import { HISTORY } from '../vouchers/fixtures.js';

/** Run A answers the seed request with Peru's overall amount, 2640. */
export const RUN_A: VoucherRow[] = HISTORY;

/** Run B adds four 8800 vouchers in the seed request's variant ('180+'), so it answers 8800. */
export const RUN_B: VoucherRow[] = [
  ...HISTORY,
  ...[1, 2, 3, 4].map((hour) => ({
    voucher_amount: 8800,
    last_order_ts: '2018-01-01 00:00:00+00:00',
    first_order_ts: '2017-01-01T00:00:00Z',
    timestamp: `2020-05-20 0${hour}:00:00+00:00`,
  })),
];

export const AMOUNT_A = 2640;
export const AMOUNT_B = 8800;

export interface BadInput {
  name: string;
  write: (path: string) => Promise<void>;
  status: number;
  code: string;
}

export const BAD_INPUTS: BadInput[] = [
  {
    name: 'a corrupt input',
    write: (path) => writeFile(path, 'PAR1 this is not parquet PAR1'),
    status: 422,
    code: 'INPUT_UNREADABLE',
  },
  { name: 'a missing input', write: (path) => rm(path, { force: true }), status: 422, code: 'INPUT_NOT_FOUND' },
  {
    name: 'an input that fails a data check',
    write: (path) => writeVoucherParquet(path, [{ voucher_amount: null }]),
    status: 422,
    code: 'DATA_CHECK_FAILED',
  },
];
