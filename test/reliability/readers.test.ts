// Data engineers reading the warehouse while the service runs: a process holding it open read-only
// does not block a refresh (and keeps reading the file it opened), and the warehouse can be opened
// read-only, by a query or `npm run query`, at any moment, including during a refresh.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { promisify } from 'node:util';
import t from 'tap';
import { request, startServer } from '../helpers/server-process.js';
import { fixtureDir, readWarehouse } from '../helpers/warehouse.js';
import { SEED_REQUEST } from '../vouchers/fixtures.js';
import { RUN_A } from '../helpers/voucher-inputs.js';

/** A separate process that opens the warehouse read-only, then answers its run count for each line it is sent. */
const HOLDER = `
import { DuckDBInstance } from '@duckdb/node-api';
const db = await DuckDBInstance.create(process.env.DB_PATH, { access_mode: 'READ_ONLY' });
const connection = await db.connect();
const runs = async () => (await connection.runAndReadAll('select count(*)::integer from pipeline_runs')).getRows()[0][0];
console.log('runs ' + await runs());
process.stdin.on('data', async () => console.log('runs ' + await runs()));
`;

const nextLine = async (stream: NodeJS.ReadableStream) => String((await once(stream, 'data'))[0]).trim();

t.test('a process holding the warehouse open read-only does not block a refresh', async (t) => {
  const config = await fixtureDir(t, RUN_A);
  const server = await startServer(t, config);
  const holder = spawn(process.execPath, ['--input-type=module', '-e', HOLDER], {
    env: { ...process.env, DB_PATH: config.DB_PATH },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  t.teardown(() => holder.kill('SIGKILL'));
  t.equal(await nextLine(holder.stdout), 'runs 1', 'the reader has the warehouse open');

  const refreshed = await request(server.url, 'POST', '/refresh');
  t.equal(refreshed.status, 200, 'the refresh is not blocked by the reader');
  t.equal(
    (await request(server.url, 'POST', '/select-voucher', SEED_REQUEST)).body.run_id,
    refreshed.body.run_id,
    'and is served',
  );
  holder.stdin.write('again\n');
  t.equal(await nextLine(holder.stdout), 'runs 1', 'the reader keeps a consistent view of the file it opened');
  t.same(
    await readWarehouse(config.DB_PATH, 'select count(*)::integer as runs from pipeline_runs'),
    [{ runs: 2 }],
    'a new reader sees the new warehouse',
  );
  holder.stdin.end();
  t.equal((await once(holder, 'exit'))[0], 0);
});

t.test('the warehouse opens read-only while the server runs, even during a refresh', async (t) => {
  const config = await fixtureDir(t, RUN_A);
  const server = await startServer(t, config);
  const refreshing = request(server.url, 'POST', '/refresh');
  const countRuns = () =>
    promisify(execFile)(process.execPath, ['dist/cli.js', 'query', 'select count(*) as runs from pipeline_runs'], {
      env: { ...process.env, DB_PATH: config.DB_PATH },
    });
  const query = countRuns();
  t.same(
    await readWarehouse(config.DB_PATH, 'select count(*)::integer as runs from pipeline_runs'),
    [{ runs: 1 }],
    'a query during the refresh reads the served warehouse',
  );
  t.match((await query).stdout, /runs[\s\S]*1/, 'npm run query works during the refresh');
  t.equal((await refreshing).status, 200);
  t.match((await countRuns()).stdout, /runs[\s\S]*2/);
});
