// Segment bounds are inclusive at both ends, and each variant answers its most used amount (a tie goes to the
// smaller amount). With the tests' own segment definitions (test/vouchers/segment-definitions.sql), so changing
// the shipped bounds changes nothing here; test/vouchers/shipped-segments.test.ts pins the shipped ones.
import t from 'tap';
import { refreshWith, segmentVouchers } from '../helpers/warehouse.js';

const variantRows = async (dbPath: string, segment: string) =>
  Object.fromEntries(
    (await segmentVouchers(dbPath))
      .filter((row) => row.segment_name === segment)
      .map((row) => [row.segment_variant, row.variant_rows]),
  );

t.test("frequent_segment bounds (the tests' 0-4, 5-13, 14-37) are inclusive; above 37 has no variant", async (t) => {
  const orders = [0, 4, 5, 13, 14, 37, 38, 516];
  const config = await refreshWith(
    t,
    orders.map((count) => ({ total_orders: `${count}.0` })),
  );
  t.same(await variantRows(config.DB_PATH, 'frequent_segment'), { '0-4': 2, '5-13': 2, '14-37': 2 });
});

t.test(
  "recency_segment bounds (the tests') are inclusive; 180+ means 181 or more; under 30 has no variant",
  async (t) => {
    const days = [29, 30, 60, 61, 90, 91, 120, 121, 180, 181, 900];
    const assigned = Date.UTC(2020, 4, 20, 15, 0, 0);
    const rows = days.map((gap) => ({
      timestamp: '2020-05-20 15:00:00+00:00',
      last_order_ts: `${new Date(assigned - gap * 86_400_000).toISOString().slice(0, 10)} 00:00:00+00:00`,
      first_order_ts: '2015-01-01T00:00:00Z',
    }));
    const config = await refreshWith(t, rows);
    t.same(await variantRows(config.DB_PATH, 'recency_segment'), {
      '30-60': 2,
      '61-90': 2,
      '91-120': 2,
      '121-180': 2,
      '180+': 2,
    });
  },
);

t.test('the most used amount wins, and a tie goes to the smaller amount', async (t) => {
  const at = (hour: number) => `2020-05-20 ${String(hour).padStart(2, '0')}:00:00+00:00`;
  const config = await refreshWith(t, [
    { voucher_amount: 3520, timestamp: at(1) },
    { voucher_amount: 3520, timestamp: at(2) },
    { voucher_amount: 2640, timestamp: at(3) },
    { voucher_amount: 2640, timestamp: at(4) },
    { voucher_amount: 4400, timestamp: at(5) },
    // Latvia: 4400 three times beats 1760 twice.
    { country_code: 'Latvia', voucher_amount: 1760, timestamp: at(1) },
    { country_code: 'Latvia', voucher_amount: 1760, timestamp: at(2) },
    { country_code: 'Latvia', voucher_amount: 4400, timestamp: at(3) },
    { country_code: 'Latvia', voucher_amount: 4400, timestamp: at(4) },
    { country_code: 'Latvia', voucher_amount: 4400, timestamp: at(5) },
  ]);
  const answers = (await segmentVouchers(config.DB_PATH)).map((row) => [
    row.country_code,
    row.segment_variant,
    row.voucher_amount,
    row.voucher_count,
  ]);
  t.same(answers, [
    ['Latvia', '5-13', 4400, 3],
    ['Latvia', '30-60', 4400, 3],
    ['Peru', '5-13', 2640, 2],
    ['Peru', '30-60', 2640, 2],
  ]);
});
