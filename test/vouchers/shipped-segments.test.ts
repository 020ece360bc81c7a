// The segment definitions the service ships, pinned: these tests fail when a data engineer changes the bounds
// in sql/vouchers/060_segment_definitions.sql, as the README's "Changing a segment" says to, and say what else
// to update. Every other test classifies with the tests' own definitions, which such a change leaves alone.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { queryRows, withDatabase } from '../../src/warehouse/database.js';
import { SHIPPED_SQL_DIR, testConfig, testSqlDir } from '../helpers/warehouse.js';

const DEFINITIONS = join('vouchers', '060_segment_definitions.sql');

/** The rows a segment definitions file creates. */
async function definitionsOf(sqlDir: string) {
  const text = await readFile(join(sqlDir, DEFINITIONS), 'utf8');
  return withDatabase(':memory:', {}, async (connection) => {
    await connection.run(text);
    return queryRows(connection, 'select * from segment_definitions order by segment_name, lower_bound');
  });
}

const variant = (segment_name: string, segment_variant: string, lower: number, upper: number | null) => ({
  segment_name,
  segment_variant,
  measure: segment_name === 'frequent_segment' ? 'total_orders' : 'days_since_last_order',
  lower_bound: lower,
  upper_bound: upper,
});

t.test('the shipped segment definitions are the bounds the README and the sample answers describe', async (t) => {
  t.same(
    await definitionsOf(SHIPPED_SQL_DIR),
    [
      variant('frequent_segment', '0-4', 0, 4),
      variant('frequent_segment', '5-13', 5, 13),
      variant('frequent_segment', '14-37', 14, 37),
      variant('recency_segment', '30-60', 30, 60),
      variant('recency_segment', '61-90', 61, 90),
      variant('recency_segment', '91-120', 91, 120),
      variant('recency_segment', '121-180', 121, 180),
      variant('recency_segment', '180+', 181, null),
    ],
    'the shipped bounds changed: update this list, the README (the seed answer, "Changing a segment") and the sample answers in test/samples/vouchers.test.ts',
  );
});

t.test("the other tests run a copy of sql/ with the tests' own definitions, not the shipped ones", async (t) => {
  const copy = testSqlDir();
  t.equal(testConfig('/nowhere').SQL_DIR, copy, 'the configuration every test helper builds on');
  t.not(copy, SHIPPED_SQL_DIR);
  t.equal(
    await readFile(join(copy, DEFINITIONS), 'utf8'),
    await readFile('test/vouchers/segment-definitions.sql', 'utf8'),
    "its definitions are test/vouchers/segment-definitions.sql's",
  );
  const files = async (root: string) =>
    (await readdir(root, { recursive: true })).filter((name) => name.endsWith('.sql')).sort();
  t.same(await files(copy), await files(SHIPPED_SQL_DIR), 'and every other file is the shipped one');
  for (const name of (await files(SHIPPED_SQL_DIR)).filter((name) => name !== DEFINITIONS)) {
    const same = (await readFile(join(copy, name), 'utf8')) === (await readFile(join(SHIPPED_SQL_DIR, name), 'utf8'));
    if (!same) t.fail(`${name} differs from the shipped file`);
  }
});
