// The shipped sample: it is exactly what the committed generator produces, it has the published
// shape, and the pipeline gives the answers worked out independently in the generator's header.
import { join, resolve } from 'node:path';
import t from 'tap';
import { generateVoucherSample } from '../../src/samples/vouchers.js';
import { queryRows, sqlString, withDatabase } from '../../src/warehouse/database.js';
import {
  folderOf,
  readWarehouse,
  refresherFor,
  segmentVouchers,
  SHIPPED_SQL_DIR,
  testConfig,
} from '../helpers/warehouse.js';

const SHIPPED = 'data/data.parquet.gzip';

// From the header of sql/sample/voucher_sample.sql (computed there by ad hoc queries, not by this pipeline).
const EXPECTED: Record<string, (number | null)[]> = {
  //          0-4   5-13   14-37  30-60  61-90  91-120 121-180 180+   country
  China: [1760, 4400, 4400, 4400, 5720, 8800, 1760, 8800, 4400],
  Australia: [8800, 11000, 13200, 11000, 8800, 11000, 13200, 6600, 11000],
  Peru: [2640, 3520, 4400, 2640, 4400, 3520, null, null, 2640],
  Latvia: [2640, 3520, 4400, 4400, 3520, 2640, 4400, 1760, 4400],
};
const VARIANTS = ['0-4', '5-13', '14-37', '30-60', '61-90', '91-120', '121-180', '180+'];

t.test('the committed sample is what the generator writes', async (t) => {
  const fresh = join(folderOf(t), 'fresh.parquet.gzip');
  await generateVoucherSample({ scale: 1, outPath: fresh, sqlDir: 'sql' });
  const [difference] = await withDatabase(':memory:', {}, (connection) =>
    queryRows<{ only_fresh: number; only_shipped: number }>(
      connection,
      `select
         (select count(*) from (from read_parquet(${sqlString(fresh)}) except all from read_parquet(${sqlString(resolve(SHIPPED))})))::integer as only_fresh,
         (select count(*) from (from read_parquet(${sqlString(resolve(SHIPPED))}) except all from read_parquet(${sqlString(fresh)})))::integer as only_shipped`,
    ),
  );
  t.same(difference, { only_fresh: 0, only_shipped: 0 }, 'run npm run generate-sample and commit data/ if this fails');
});

// Pins the shipped answers: it fails when the shipped segment bounds change, as it should. Then work the answers
// out again for the new bounds and update EXPECTED and the generator's header.
t.test('with the shipped segment definitions, the pipeline gives the worked-out answers on the sample', async (t) => {
  const config = testConfig(folderOf(t), { DATA_PATH: SHIPPED, SQL_DIR: SHIPPED_SQL_DIR });
  const summary = await refresherFor(config).refresh();
  t.match(summary, { rows_read: 511_427, rejected_by_rule: { missing_voucher_amount: 29_567, duplicate_row: 12 } });
  t.match(summary.excluded_by_rule, { total_orders_missing: Number, last_order_after_timestamp: Number });

  const answers = await segmentVouchers(config.DB_PATH);
  const countries = await readWarehouse<{ country_code: string; voucher_amount: number }>(
    config.DB_PATH,
    'select country_code, voucher_amount from country_vouchers',
  );
  const actual: Record<string, (number | null)[]> = {};
  for (const country of Object.keys(EXPECTED)) {
    actual[country] = [
      ...VARIANTS.map(
        (variant) =>
          answers.find((row) => row.country_code === country && row.segment_variant === variant)?.voucher_amount ??
          null,
      ),
      countries.find((row) => row.country_code === country)?.voucher_amount ?? null,
    ];
  }
  t.same(
    actual,
    EXPECTED,
    'the answers for the shipped bounds (sql/vouchers/060_segment_definitions.sql); changed the bounds? work them out again',
  );
});
