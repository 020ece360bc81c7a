// The command line as an operator uses it: `refresh` prints the run summary (or why it failed, with a
// non-zero exit), `query` prints a table from the warehouse; the answers do not depend on the
// machine's time zone. Runs the built CLI (npm test builds it first).
import { spawnSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { writeVoucherParquet } from './helpers/voucher-parquet.js';
import { fixtureDir, folderOf, segmentVouchers, testSqlDir } from './helpers/warehouse.js';

/** The CLI with the tests' own SQL (their segment definitions, not the shipped ones). */
const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['dist/cli.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent', SQL_DIR: testSqlDir(), ...env },
  });

t.test('refresh prints the run summary; query prints a table', async (t) => {
  const config = await fixtureDir(t, [{}, {}, { voucher_amount: null }]);
  const refresh = cli(['refresh', '--input', config.DATA_PATH, '--db', config.DB_PATH]);
  t.equal(refresh.status, 0, refresh.stderr);
  t.match(refresh.stdout, /run [0-9a-f-]{36} succeeded/);
  t.match(refresh.stdout, /3 read, 1 kept, 2 rejected/);
  t.match(refresh.stdout, /duplicate_row: 1/);
  const query = cli([
    'query',
    '--db',
    config.DB_PATH,
    'select segment_variant, voucher_amount from segment_vouchers order by 1',
  ]);
  t.equal(query.status, 0, query.stderr);
  t.match(query.stdout, /segment_variant\s+voucher_amount\n-+\s+-+\n30-60\s+2640\n5-13\s+2640\n\(2 rows\)/);
});

t.test('a failed refresh exits non-zero with the reason and keeps the old warehouse', async (t) => {
  const config = await fixtureDir(t, [{}]);
  t.equal(cli(['refresh', '--input', config.DATA_PATH, '--db', config.DB_PATH]).status, 0);
  const before = await readFile(config.DB_PATH);
  const failed = cli(['refresh', '--input', join(folderOf(t), 'missing.parquet.gzip'), '--db', config.DB_PATH]);
  t.equal(failed.status, 1);
  t.match(failed.stderr, /input file not found: .*missing\.parquet\.gzip/);
  t.equal(failed.stdout, '');
  t.ok(before.equals(await readFile(config.DB_PATH)));
  const badQuery = cli(['query', '--db', config.DB_PATH, 'select * from no_such_table']);
  t.equal(badQuery.status, 1);
  t.match(badQuery.stderr, /no_such_table/);
  t.match(cli(['frobnicate']).stderr, /unknown command frobnicate\nusage:/);
});

t.test('the machine time zone does not move any day count', async (t) => {
  const config = await fixtureDir(t, []);
  await writeVoucherParquet(config.DATA_PATH, [
    // 29 days in UTC (no variant); 30 in America/Lima if dates were taken locally.
    { last_order_ts: '2020-04-21 00:00:00+00:00', timestamp: '2020-05-20 06:00:00+00:00', voucher_amount: 3520 },
    // 60 days in UTC ('30-60'); 61 in Pacific/Kiritimati. No offset in the text: read as UTC.
    { last_order_ts: '2020-03-21 00:00:00', timestamp: '2020-05-20 12:00:00', voucher_amount: 4400 },
    // 90 days in UTC ('61-90').
    { last_order_ts: '2020-02-20 00:00:00+00:00', timestamp: '2020-05-20 06:00:00+00:00', voucher_amount: 2640 },
  ]);
  const expected = [
    ['frequent_segment', '5-13', 2640, 3],
    ['recency_segment', '30-60', 4400, 1],
    ['recency_segment', '61-90', 2640, 1],
  ];
  for (const zone of ['UTC', 'America/Lima', 'Pacific/Kiritimati']) {
    const dbPath = join(folderOf(t), `${zone.replace('/', '-')}.duckdb`);
    const run = cli(['refresh', '--input', config.DATA_PATH, '--db', dbPath], { TZ: zone });
    t.equal(run.status, 0, run.stderr);
    const rows = await segmentVouchers(dbPath);
    t.same(
      rows.map((row) => [row.segment_name, row.segment_variant, row.voucher_amount, row.variant_rows]),
      expected,
      `TZ=${zone}`,
    );
  }
});

t.test("npm's own errors are shown, not silenced by the project's npm configuration", async (t) => {
  // As from a user's shell: without the npm_config_loglevel that `npm test --loglevel=...` passes down.
  const { npm_config_loglevel: _loglevel, ...env } = process.env;
  const npm = spawnSync('npm', ['run', 'nosuch'], { encoding: 'utf8', env });
  t.equal(npm.status, 1);
  t.match(npm.stderr, /Missing script: "nosuch"/, 'npm says what went wrong on standard error');
});
