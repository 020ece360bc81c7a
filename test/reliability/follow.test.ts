// Every server follows the warehouse: a refresh made by another process (`npm run refresh`, another
// server) reaches every running server on the same DB_PATH, under load, with no failed request and no
// answer that mixes two runs; a file a server cannot read (half copied by hand) changes nothing until a
// good one arrives; a refresh that fails elsewhere changes nothing and shows in /health.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, cp, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import type { Config } from '../../src/config.js';
import { startLoad } from '../helpers/load.js';
import { request, startServer, type ServerProcess } from '../helpers/server-process.js';
import { AMOUNT_A, AMOUNT_B, RUN_A, RUN_B } from '../helpers/voucher-inputs.js';
import { writeVoucherParquet } from '../helpers/voucher-parquet.js';
import { fixtureDir, folderOf } from '../helpers/warehouse.js';
import { SEED_REQUEST } from '../vouchers/fixtures.js';

/** `npm run refresh` as an operator runs it beside the servers, with the servers' configuration. */
async function cliRefresh(
  config: Config,
  input = config.DATA_PATH,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ['dist/cli.js', 'refresh', '--input', input], {
    env: { ...process.env, DB_PATH: config.DB_PATH, EVENTS_PATH: config.EVENTS_PATH, SQL_DIR: config.SQL_DIR },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(child, 'exit');
  return { code, stdout, stderr };
}

const runOf = (stdout: string) => /run ([0-9a-f-]{36}) succeeded/.exec(stdout)?.[1];

/** Waits until every server's /health names `runId` (a server polls the file every 250 ms). */
async function converged(servers: ServerProcess[], runId: string, timeoutMs = 30_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const health = await Promise.all(servers.map((server) => request(server.url, 'GET', '/health')));
    if (health.every((answer) => answer.body.run_id === runId)) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

t.test('the README\'s "Changing a segment": npm run refresh while the server runs changes its answers', async (t) => {
  const config = await fixtureDir(t, RUN_A);
  config.SQL_DIR = join(folderOf(t), 'sql');
  await cp('sql', config.SQL_DIR, { recursive: true });
  const server = await startServer(t, config);
  const fiveOrders = { ...SEED_REQUEST, segment_name: 'frequent_segment', total_orders: 5 };
  t.match((await request(server.url, 'POST', '/select-voucher', fiveOrders)).body, { segment_variant: '5-13' });
  const definitions = join(config.SQL_DIR, 'vouchers', '060_segment_definitions.sql');
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
  const refreshed = await cliRefresh(config);
  t.equal(refreshed.code, 0, refreshed.stderr);
  t.ok(await converged([server], runOf(refreshed.stdout)!), 'the running server serves the new run');
  t.match((await request(server.url, 'POST', '/select-voucher', fiveOrders)).body, {
    segment_variant: '0-5',
    run_id: runOf(refreshed.stdout),
  });
  const health = (await request(server.url, 'GET', '/health')).body;
  t.match(health, { run_id: runOf(refreshed.stdout), warehouse_run_id: runOf(refreshed.stdout), is_latest: true });
});

t.test(
  'three servers on one warehouse under load: every refresh reaches all three; no request fails, no answer mixes runs',
  async (t) => {
    const config = await fixtureDir(t, RUN_A);
    const servers = [await startServer(t, config)];
    servers.push(...(await Promise.all([startServer(t, config), startServer(t, config)])));
    const first = await request(servers[0]!.url, 'POST', '/select-voucher', SEED_REQUEST);
    const amountOfRun = new Map<string, number>([[first.body.run_id, AMOUNT_A]]);
    t.ok(await converged(servers, first.body.run_id), 'all three serve the same run to begin with');
    const loads = servers.map((server) => startLoad(server.url, '/select-voucher', SEED_REQUEST, 2));

    await writeVoucherParquet(config.DATA_PATH, RUN_B);
    const fromCli = await cliRefresh(config);
    t.equal(fromCli.code, 0, fromCli.stderr);
    amountOfRun.set(runOf(fromCli.stdout)!, AMOUNT_B);
    t.ok(await converged(servers, runOf(fromCli.stdout)!), 'a command-line refresh reaches all three');

    await writeVoucherParquet(config.DATA_PATH, RUN_A);
    const fromServer = await request(servers[1]!.url, 'POST', '/refresh');
    t.equal(fromServer.status, 200);
    amountOfRun.set(fromServer.body.run_id, AMOUNT_A);
    t.ok(await converged(servers, fromServer.body.run_id), 'a POST /refresh to one server reaches the other two');

    const answers = (await Promise.all(loads.map((load) => load.stop()))).flat();
    t.same(answers.filter((answer) => answer.status !== 200).slice(0, 3), [], 'no request failed');
    const mixed = answers.filter((answer) => amountOfRun.get(answer.body.run_id) !== answer.body.voucher_amount);
    t.same(mixed.slice(0, 3), [], 'every answer is the amount of the run it names');
    t.comment(`${answers.length} requests to three servers during two refreshes`);
  },
);

t.test(
  'a file put in place by hand that cannot be read: old answers kept, /health says why, a good file is served',
  async (t) => {
    const config = await fixtureDir(t, RUN_A);
    const server = await startServer(t, config);
    const before = await request(server.url, 'POST', '/select-voucher', SEED_REQUEST);
    const saved = join(folderOf(t), 'saved.duckdb');
    await copyFile(config.DB_PATH, saved);
    await writeVoucherParquet(config.DATA_PATH, RUN_B);
    const other = await cliRefresh(config);
    t.ok(await converged([server], runOf(other.stdout)!), 'the server follows a refresh to run B');

    // Half of the saved file copied over the warehouse, as an interrupted `cp` leaves it.
    const bytes = await readFile(saved);
    await writeFile(config.DB_PATH, bytes.subarray(0, Math.floor(bytes.length / 2)));
    let health = (await request(server.url, 'GET', '/health')).body;
    for (let waited = 0; !health.warehouse_error && waited < 30_000; waited += 50) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      health = (await request(server.url, 'GET', '/health')).body;
    }
    t.match(
      health,
      { run_id: runOf(other.stdout), is_latest: false, warehouse_error: { message: String } },
      '/health says the file cannot be read',
    );
    const during = await request(server.url, 'POST', '/select-voucher', SEED_REQUEST);
    t.match(
      during,
      { status: 200, body: { run_id: runOf(other.stdout), voucher_amount: AMOUNT_B } },
      'the run before it is still served',
    );

    await writeFile(config.DB_PATH, bytes);
    t.ok(await converged([server], before.body.run_id), 'the whole file, once in place, is served');
    t.match((await request(server.url, 'POST', '/select-voucher', SEED_REQUEST)).body, {
      voucher_amount: AMOUNT_A,
      run_id: before.body.run_id,
    });
    t.notOk(
      (await request(server.url, 'GET', '/health')).body.warehouse_error,
      'and /health no longer reports an error',
    );
  },
);

t.test('a refresh that fails in another process changes nothing and shows in /health', async (t) => {
  const config = await fixtureDir(t, RUN_A);
  const server = await startServer(t, config);
  const before = await request(server.url, 'POST', '/select-voucher', SEED_REQUEST);
  const failed = await cliRefresh(config, join(folderOf(t), 'missing.parquet.gzip'));
  t.equal(failed.code, 1);
  const health = (await request(server.url, 'GET', '/health')).body;
  t.match(health, {
    run_id: before.body.run_id,
    is_latest: true,
    last_refresh_failure: { code: 'INPUT_NOT_FOUND', message: /missing\.parquet\.gzip/ },
  });
  t.notOk(health.last_refresh_failure.superseded_by, 'not superseded yet');
  t.same(
    (await request(server.url, 'POST', '/select-voucher', SEED_REQUEST)).body,
    before.body,
    'the same answer from the same run',
  );
  const later = await request(server.url, 'POST', '/refresh');
  t.match((await request(server.url, 'GET', '/health')).body.last_refresh_failure, {
    code: 'INPUT_NOT_FOUND',
    superseded_by: later.body.run_id,
  });
});
