// POST /refresh: a good refresh is served at once; a failed one says why and changes nothing.
import { readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import { writeVoucherParquet } from '../helpers/voucher-parquet.js';
import { appWith, copySqlDir } from '../helpers/warehouse.js';
import { HISTORY, SEED_REQUEST } from '../vouchers/fixtures.js';

const select = async (app: FastifyInstance, changes: Record<string, unknown> = {}) =>
  (await app.inject({ method: 'POST', url: '/select-voucher', payload: { ...SEED_REQUEST, ...changes } })).json();

const refresh = (app: FastifyInstance, payload?: object) =>
  app.inject({ method: 'POST', url: '/refresh', ...(payload ? { payload } : {}) });

t.test('a refresh answers its run summary and is served as soon as it returns', async (t) => {
  const { app, config } = await appWith(t, HISTORY);
  const before = await select(app);
  await writeVoucherParquet(config.DATA_PATH, [
    ...HISTORY,
    ...[1, 2, 3, 4].map((hour) => ({
      voucher_amount: 8800,
      last_order_ts: '2018-01-01 00:00:00+00:00',
      first_order_ts: '2017-01-01T00:00:00Z',
      timestamp: `2020-05-20 0${hour}:00:00+00:00`,
    })),
  ]);
  const response = await refresh(app);
  t.equal(response.statusCode, 200, response.body);
  const summary = response.json();
  t.match(summary, {
    status: 'succeeded',
    rows_read: 10,
    rows_kept: 10,
    rows_rejected: 0,
    input_path: config.DATA_PATH,
    sql_checksum: /^[0-9a-f]{64}$/,
  });
  t.not(summary.run_id, before.run_id);
  t.match(await select(app), {
    voucher_amount: 8800,
    basis: 'segment',
    segment_variant: '180+',
    run_id: summary.run_id,
  });
  const health = (await app.inject({ method: 'GET', url: '/health' })).json();
  t.match(health, { status: 'ok', run_id: summary.run_id, refreshing: false });
});

t.test('the seed body { country_code } is accepted and checked', async (t) => {
  const { app } = await appWith(t, HISTORY);
  const before = await select(app);
  t.equal((await refresh(app, { country_code: 'Peru' })).statusCode, 200);
  const unknown = await refresh(app, { country_code: 'Atlantis' });
  t.equal(unknown.statusCode, 422);
  t.match(unknown.json(), { code: 'UNKNOWN_COUNTRY', message: /Atlantis/ });
  t.equal((await refresh(app, { country_code: 51 })).statusCode, 400);
  t.equal((await refresh(app, { country: 'Peru' })).statusCode, 400, 'an unknown field is a mistake worth reporting');
  t.not((await select(app)).run_id, before.run_id, 'the accepted refresh is served');
});

t.test('a failed refresh says why and leaves the served answers and the warehouse file untouched', async (t) => {
  const { app, config } = await appWith(t, HISTORY);
  const served = await select(app);
  const fileBefore = await readFile(config.DB_PATH);
  const expectFailure = async (name: string, status: number, code: string, message: RegExp) => {
    const response = await refresh(app);
    t.equal(response.statusCode, status, `${name}: ${response.body}`);
    t.match(response.json(), { code, message }, name);
    t.same(await select(app), served, `${name}: the same answer from the same run`);
    t.ok(fileBefore.equals(await readFile(config.DB_PATH)), `${name}: the warehouse file is unchanged`);
    t.same(
      (await readdir(join(config.DB_PATH, '..'))).filter((name) => name.includes('.building-')),
      [],
      `${name}: no build file is left behind`,
    );
  };

  await rm(config.DATA_PATH);
  await expectFailure('missing input', 422, 'INPUT_NOT_FOUND', /not found/);
  await writeFile(config.DATA_PATH, 'this is not parquet at all');
  await expectFailure('corrupt input', 422, 'INPUT_UNREADABLE', /parquet/);
  await writeVoucherParquet(config.DATA_PATH, [{ country_code: 'Peru' }]);
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const db = await DuckDBInstance.create(':memory:');
  const connection = await db.connect();
  await connection.run(`copy (select 1 as id) to '${config.DATA_PATH}' (format parquet)`);
  connection.closeSync();
  db.closeSync();
  await expectFailure('wrong columns', 422, 'INPUT_SCHEMA_MISMATCH', /voucher_amount/);

  const health = (await app.inject({ method: 'GET', url: '/health' })).json();
  t.match(health, { status: 'ok', run_id: served.run_id, last_refresh_failure: { code: 'INPUT_SCHEMA_MISMATCH' } });
});

t.test('a data check that fails stops the refresh', async (t) => {
  const sqlDir = await copySqlDir(t);
  const { app } = await appWith(t, HISTORY, { SQL_DIR: sqlDir });
  const served = await select(app);
  const definitions = join(sqlDir, 'vouchers', '060_segment_definitions.sql');
  await writeFile(
    definitions,
    (await readFile(definitions, 'utf8')).replace(
      "'5-13',    'total_orders',          5,",
      "'5-13',    'total_orders',          4,",
    ),
  );
  const response = await refresh(app);
  t.equal(response.statusCode, 422);
  t.match(response.json(), { code: 'DATA_CHECK_FAILED', message: /definitions_do_not_overlap/ });
  t.same(await select(app), served);
});

t.test('an input with no clean row fails its data check instead of emptying the answers', async (t) => {
  const { app, config } = await appWith(t, HISTORY);
  const served = await select(app);
  for (const rows of [[], [{ voucher_amount: null }, { country_code: '' }]]) {
    await writeVoucherParquet(config.DATA_PATH, rows);
    const response = await refresh(app);
    t.equal(response.statusCode, 422);
    t.match(response.json(), { code: 'DATA_CHECK_FAILED', message: /input_has_clean_rows/ });
    t.same(await select(app), served);
  }
});

t.test('a segment bound changed in SQL reaches both the pipeline and the API after a refresh', async (t) => {
  const sqlDir = await copySqlDir(t);
  const { app } = await appWith(t, HISTORY, { SQL_DIR: sqlDir });
  const fiveOrders = { segment_name: 'frequent_segment', total_orders: 5 };
  t.match(await select(app, fiveOrders), { segment_variant: '5-13' });
  const definitions = join(sqlDir, 'vouchers', '060_segment_definitions.sql');
  const text = await readFile(definitions, 'utf8');
  await writeFile(
    definitions,
    text
      .replace(
        "('frequent_segment', '0-4',     'total_orders',          0,   4)",
        "('frequent_segment', '0-5',     'total_orders',          0,   5)",
      )
      .replace(
        "('frequent_segment', '5-13',    'total_orders',          5,   13)",
        "('frequent_segment', '6-13',    'total_orders',          6,   13)",
      ),
  );
  t.equal((await refresh(app)).statusCode, 200);
  t.match(await select(app, fiveOrders), { segment_variant: '0-5', voucher_amount: 2640 });
});

t.test('only one refresh runs at a time; the others get 409', async (t) => {
  const { app } = await appWith(t, HISTORY);
  const responses = await Promise.all([refresh(app), refresh(app), refresh(app)]);
  const statuses = responses.map((response) => response.statusCode).sort();
  t.same(statuses, [200, 409, 409]);
  t.match(responses.find((response) => response.statusCode === 409)?.json(), { code: 'REFRESH_IN_PROGRESS' });
  t.equal((await refresh(app)).statusCode, 200, 'a refresh after it finished runs');
});

t.test('the service starts from an existing warehouse and removes builds a crash left behind', async (t) => {
  const { app, config } = await appWith(t, HISTORY);
  const served = await select(app);
  await app.close();
  const leftover = `${config.DB_PATH}.building-crashed`;
  await writeFile(leftover, 'half a database');
  await rm(config.DATA_PATH);
  const { app: restarted } = await appWith(t, [], { DB_PATH: config.DB_PATH });
  t.same(await select(restarted), served, 'the same run is served without rebuilding');
  t.same(
    (await readdir(join(config.DB_PATH, '..'))).filter((name) => name.includes('.building-')),
    [],
  );
});
