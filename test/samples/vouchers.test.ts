// The shipped sample: it is exactly what the committed generator produces, it has the published
// shape, and the pipeline gives the answers worked out independently in the generator's header.
import { join, resolve } from 'node:path';
import t from 'tap';
import type { Config } from '../../src/config.js';
import type { RunSummary } from '../../src/pipeline/run-summary.js';
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

/** One warehouse of the sample for the tests below, built when the first of them asks for it. */
let sampleWarehouse: Promise<{ config: Config; summary: RunSummary }> | undefined;
const sample = () => {
  sampleWarehouse ??= (async () => {
    // In the file's own folder, which outlives each test.
    const config = testConfig(folderOf(t), { DATA_PATH: SHIPPED, SQL_DIR: SHIPPED_SQL_DIR });
    return { config, summary: await refresherFor(config).refresh() };
  })();
  return sampleWarehouse;
};

// Pins the shipped answers: it fails when the shipped segment bounds change, as it should. Then work the answers
// out again for the new bounds and update EXPECTED and the generator's header.
t.test('with the shipped segment definitions, the pipeline gives the worked-out answers on the sample', async (t) => {
  const { config, summary } = await sample();
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

// The marts the API reads (segment_vouchers, data_quality) come from the counts of the input
// (voucher_assignment_counts); the views people read (rejected_rows, int_voucher_assignments,
// clean_voucher_assignments) come from every row. Both apply the same macros; this ties their results
// together on the sample, so the two branches of the lineage cannot drift apart unnoticed.
t.test('the views people read and the marts the API reads agree on the sample', async (t) => {
  const { config } = await sample();
  const disagreements = await readWarehouse(
    config.DB_PATH,
    `with by_views as (
         select reason as rule, 'rejected' as effect, sum(input_rows) as rows from rejected_rows group by all
         union all
         select frequency_exclusion, 'not counted toward frequent_segment', sum(copies)
         from int_voucher_assignments where is_kept and frequency_exclusion is not null group by all
         union all
         select recency_exclusion, 'not counted toward recency_segment', sum(copies)
         from int_voucher_assignments where is_kept and recency_exclusion is not null group by all
     ),
     amounts as (
         select clean.country_key, definitions.segment_name, definitions.segment_variant, clean.voucher_amount, count(*) as uses
         from clean_voucher_assignments as clean
         join segment_definitions as definitions
             on (definitions.measure = 'total_orders' and clean.total_orders between definitions.lower_bound and coalesce(definitions.upper_bound, 2147483647))
             or (definitions.measure = 'days_since_last_order' and clean.days_since_last_order between definitions.lower_bound and coalesce(definitions.upper_bound, 2147483647))
         group by all
     ),
     modes as (
         select country_key, segment_name, segment_variant, arg_min(voucher_amount, (-uses, voucher_amount)) as voucher_amount
         from amounts group by all
     )
     (select 'quality' as what, rule, effect, rows::bigint as rows, null as variant from by_views
      except select 'quality', rule, effect, rows::bigint, null from data_quality)
     union all
     (select 'quality', rule, effect, rows::bigint, null from data_quality
      except select 'quality', rule, effect, rows::bigint, null from by_views)
     union all
     (select 'answer', country_key, segment_name, voucher_amount::bigint, segment_variant from modes
      except select 'answer', country_key, segment_name, voucher_amount::bigint, segment_variant from segment_vouchers)
     union all
     (select 'answer', country_key, segment_name, voucher_amount::bigint, segment_variant from segment_vouchers
      except select 'answer', country_key, segment_name, voucher_amount::bigint, segment_variant from modes)`,
  );
  t.same(disagreements, []);
});
