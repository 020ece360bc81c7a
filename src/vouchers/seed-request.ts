// The seed document's example request to POST /select-voucher: the dashboard's "try a customer" form
// starts from it, and the tests and benchmarks send it.
import type { Static } from '@sinclair/typebox';
import type { SelectVoucherRequest } from './routes.js';

export const SEED_REQUEST: Static<typeof SelectVoucherRequest> = {
  customer_id: 123,
  country_code: 'Peru',
  last_order_ts: '2018-05-03 00:00:00',
  first_order_ts: '2017-05-03 00:00:00',
  total_orders: 15,
  segment_name: 'recency_segment',
};
