// Each cleaning rule of the pipeline, one small fixture each, judged by the answers it produces.
import t from 'tap';
import { readWarehouse, refreshWith, segmentVouchers } from '../helpers/warehouse.js';

const recency3060 = (rows: Awaited<ReturnType<typeof segmentVouchers>>) =>
  rows.find((row) => row.segment_name === 'recency_segment' && row.segment_variant === '30-60');

t.test('countries are trimmed and case-insensitive, reported in their usual spelling', async (t) => {
  const config = await refreshWith(t, [
    { country_code: 'Peru', voucher_amount: 3520 },
    { country_code: ' peru ', voucher_amount: 3520, timestamp: '2020-05-20 16:00:00+00:00' },
    { country_code: 'PERU', voucher_amount: 3520, timestamp: '2020-05-20 17:00:00+00:00' },
    { country_code: 'Peru', voucher_amount: 2640, timestamp: '2020-05-20 18:00:00+00:00' },
    { country_code: 'Peru', voucher_amount: 2640, timestamp: '2020-05-20 19:00:00+00:00' },
    { country_code: 'LATVIA', voucher_amount: 4400 },
    { country_code: ' latvia', voucher_amount: 4400 },
  ]);
  const rows = await segmentVouchers(config.DB_PATH);
  t.same([...new Set(rows.map((row) => row.country_code))], ['Latvia', 'Peru']);
  t.match(recency3060(rows.filter((row) => row.country_code === 'Peru')), {
    voucher_amount: 3520,
    voucher_count: 3,
    variant_rows: 5,
  });
});

t.test('rows without a country are rejected with a reason', async (t) => {
  const config = await refreshWith(t, [
    { country_code: null },
    { country_code: '' },
    { country_code: '   ' },
    { voucher_amount: 4400 },
  ]);
  const rejected = await readWarehouse(config.DB_PATH, 'select reason from rejected_rows');
  t.same(rejected, [{ reason: 'missing_country' }, { reason: 'missing_country' }, { reason: 'missing_country' }]);
  t.same([...new Set((await segmentVouchers(config.DB_PATH)).map((row) => row.country_code))], ['Peru']);
});

t.test('missing, NaN and non-positive voucher amounts are rejected, never imputed', async (t) => {
  // Imputing the five bad amounts with the mode (3520) would give 3520 seven uses out of eight rows.
  const config = await refreshWith(t, [
    { voucher_amount: 3520, timestamp: '2020-05-20 10:00:00+00:00' },
    { voucher_amount: 3520, timestamp: '2020-05-20 11:00:00+00:00' },
    { voucher_amount: 2640, timestamp: '2020-05-20 12:00:00+00:00' },
    { voucher_amount: null, timestamp: '2020-05-20 13:00:00+00:00' },
    { voucher_amount: null, timestamp: '2020-05-20 14:00:00+00:00' },
    { voucher_amount: Number.NaN },
    { voucher_amount: 0 },
    { voucher_amount: -2640 },
  ]);
  t.match(recency3060(await segmentVouchers(config.DB_PATH)), {
    voucher_amount: 3520,
    voucher_count: 2,
    variant_rows: 3,
  });
  const reasons = await readWarehouse(
    config.DB_PATH,
    'select reason, sum(input_rows)::integer as n from rejected_rows group by reason order by reason',
  );
  t.same(reasons, [
    { reason: 'invalid_voucher_amount', n: 2 },
    { reason: 'missing_voucher_amount', n: 3 },
  ]);
});

t.test('a first order after the last order rejects the row', async (t) => {
  const config = await refreshWith(t, [
    { voucher_amount: 4400, first_order_ts: '2020-05-01T00:00:00Z' },
    { voucher_amount: 4400, first_order_ts: '2020-04-19T00:00:01Z' },
    { voucher_amount: 2640, first_order_ts: '2020-04-19T00:00:00Z' },
  ]);
  t.match(recency3060(await segmentVouchers(config.DB_PATH)), { voucher_amount: 2640, variant_rows: 1 });
  t.same(await readWarehouse(config.DB_PATH, 'select distinct reason from rejected_rows'), [
    { reason: 'first_order_after_last_order' },
  ]);
});

t.test('exact duplicate rows count once; rows differing in any column all count', async (t) => {
  const copy = { voucher_amount: 4400, total_orders: '7.0' };
  const config = await refreshWith(t, [
    copy,
    copy,
    copy,
    copy,
    { voucher_amount: 2640, total_orders: '7.0', timestamp: '2020-05-20 10:00:00+00:00' },
    { voucher_amount: 2640, total_orders: '7.0', timestamp: '2020-05-20 11:00:00+00:00' },
  ]);
  t.match(recency3060(await segmentVouchers(config.DB_PATH)), {
    voucher_amount: 2640,
    voucher_count: 2,
    variant_rows: 3,
  });
  t.same(
    await readWarehouse(
      config.DB_PATH,
      'select source_row, reason, input_rows::integer as input_rows from rejected_rows',
    ),
    [{ source_row: 1, reason: 'duplicate_row', input_rows: 3 }],
  );
});

t.test('unusable total_orders leave the row out of frequent_segment only', async (t) => {
  const unusable = ['', '  ', 'abc', '-1.0', '2.5', 'NaN', 'inf', null];
  const config = await refreshWith(t, [
    ...unusable.map((total_orders, index) => ({
      total_orders,
      voucher_amount: 4400,
      timestamp: `2020-05-20 1${index}:00:00+00:00`,
    })),
    { total_orders: '3.0', voucher_amount: 2640 },
    { total_orders: ' 136.0 ', voucher_amount: 1760 },
  ]);
  const rows = await segmentVouchers(config.DB_PATH);
  const frequent = rows.filter((row) => row.segment_name === 'frequent_segment');
  t.same(
    frequent.map((row) => [row.segment_variant, row.voucher_amount, row.variant_rows]),
    [['0-4', 2640, 1]],
    "'' is not 0 orders; 136 is in no variant",
  );
  t.match(recency3060(rows), { voucher_amount: 4400, variant_rows: 10 }, 'the same rows still count toward recency');
  const excluded = await readWarehouse(
    config.DB_PATH,
    `select rule, rows from data_quality where effect like '%frequent%' order by rule`,
  );
  t.same(excluded, [
    { rule: 'total_orders_missing', rows: 3 },
    { rule: 'total_orders_negative', rows: 1 },
    { rule: 'total_orders_not_a_number', rows: 3 },
    { rule: 'total_orders_not_whole', rows: 1 },
  ]);
});

t.test(
  'unreadable timestamps, or a last order after the assignment, leave the row out of recency_segment only',
  async (t) => {
    const config = await refreshWith(t, [
      { timestamp: 'yesterday', voucher_amount: 4400, total_orders: '1.0' },
      { last_order_ts: '2020-13-45 00:00:00+00:00', voucher_amount: 4400, total_orders: '1.0' },
      {
        last_order_ts: '2020-05-21 00:00:00+00:00',
        voucher_amount: 4400,
        total_orders: '1.0',
        first_order_ts: '2020-05-01T00:00:00Z',
      },
      { voucher_amount: 2640, total_orders: '1.0' },
    ]);
    const rows = await segmentVouchers(config.DB_PATH);
    t.same(
      rows.map((row) => [row.segment_name, row.segment_variant, row.voucher_amount, row.variant_rows]),
      [
        ['frequent_segment', '0-4', 4400, 4],
        ['recency_segment', '30-60', 2640, 1],
      ],
    );
  },
);

t.test('recency is the UTC calendar days from the last order to the assignment itself', async (t) => {
  const config = await refreshWith(t, [
    // 2020-04-20 -> 2020-05-20 is 30 days whatever the hour; the first order is ignored.
    {
      last_order_ts: '2020-04-20 00:00:00+00:00',
      timestamp: '2020-05-20 00:00:01+00:00',
      first_order_ts: '2015-01-01T00:00:00Z',
      voucher_amount: 3520,
    },
    // 23:30 at UTC-5 on 05-19 is 04:30 UTC on 05-20: 30 days, not 29.
    { last_order_ts: '2020-04-20 00:00:00+00:00', timestamp: '2020-05-19 23:30:00-05:00', voucher_amount: 3520 },
    // 2020-04-21 -> 2020-05-20 is 29 days: no variant.
    { last_order_ts: '2020-04-21 00:00:00+00:00', timestamp: '2020-05-20 23:59:59+00:00', voucher_amount: 2640 },
  ]);
  const recency = (await segmentVouchers(config.DB_PATH)).filter((row) => row.segment_name === 'recency_segment');
  t.same(
    recency.map((row) => [row.segment_variant, row.voucher_amount, row.variant_rows]),
    [['30-60', 3520, 2]],
  );
});
