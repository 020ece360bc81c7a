// Refreshes that overlap: within the server one runs and the others get 409; across processes
// (`npm run refresh` beside the server) the warehouse's refresh lock does the same. Nothing interleaves:
// each accepted refresh adds exactly one run to the warehouse's history.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import t from 'tap';
import { lockRefresh } from '../../src/warehouse/file-lock.js';
import { request, startServer } from '../helpers/server-process.js';
import { fixtureDir, readWarehouse } from '../helpers/warehouse.js';
import type { Config } from '../../src/config.js';
import { RUN_A } from '../helpers/voucher-inputs.js';

const runs = async (config: Config) =>
  (await readWarehouse<{ runs: number }>(config.DB_PATH, 'select count(*)::integer as runs from pipeline_runs'))[0]!
    .runs;

/** `npm run refresh` in its own process; resolves with its exit code and what it printed. */
function cliRefresh(config: Config): { done: Promise<{ code: number | null; stdout: string; stderr: string }> } {
  const env = {
    ...process.env,
    DATA_PATH: config.DATA_PATH,
    DB_PATH: config.DB_PATH,
    EVENTS_PATH: config.EVENTS_PATH,
    SQL_DIR: config.SQL_DIR,
  };
  const child = spawn(process.execPath, ['dist/cli.js', 'refresh'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return { done: once(child, 'exit').then(([code]) => ({ code: code as number | null, stdout, stderr })) };
}

t.test('five refreshes at once over HTTP: one runs, four get 409, one run is recorded', async (t) => {
  const config = await fixtureDir(t, RUN_A);
  const server = await startServer(t, config);
  const before = await runs(config);
  const answers = await Promise.all(Array.from({ length: 5 }, () => request(server.url, 'POST', '/refresh')));
  t.same(answers.map((answer) => answer.status).sort(), [200, 409, 409, 409, 409]);
  t.match(answers.find((answer) => answer.status === 409)?.body, {
    code: 'REFRESH_IN_PROGRESS',
    message: /already running/,
  });
  t.equal(await runs(config), before + 1, 'exactly one run was added');
  const served = await request(server.url, 'GET', '/health');
  t.equal(served.body.run_id, answers.find((answer) => answer.status === 200)?.body.run_id, 'and it is the one served');
});

/** Another process (as `npm run refresh` would) taking the warehouse's refresh lock and holding it until killed. */
const HOLDER = `
import { lockRefresh } from './dist/warehouse/file-lock.js';
await lockRefresh(process.env.DB_PATH);
console.log('locked');
setInterval(() => undefined, 60_000);
`;

t.test(
  "while another process refreshes, the server and npm run refresh get 409; a dead refresher's lock is free at once",
  async (t) => {
    const config = await fixtureDir(t, RUN_A);
    const server = await startServer(t, config);
    const before = await runs(config);
    const holder = spawn(process.execPath, ['--input-type=module', '-e', HOLDER], {
      env: { ...process.env, DB_PATH: config.DB_PATH },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    t.teardown(() => holder.kill('SIGKILL'));
    t.equal(String((await once(holder.stdout, 'data'))[0]).trim(), 'locked');

    const refused = await request(server.url, 'POST', '/refresh');
    t.equal(refused.status, 409, 'the server refuses while another process refreshes');
    t.match(refused.body, { code: 'REFRESH_IN_PROGRESS', message: `already running (process ${holder.pid})` });
    const cli = await cliRefresh(config).done;
    t.equal(cli.code, 1, 'so does npm run refresh');
    t.match(cli.stderr, `already running (process ${holder.pid})`);
    t.equal(await runs(config), before, 'nothing ran');

    const abandoned = `${config.DB_PATH}.building-of-the-dead-refresher`;
    await writeFile(abandoned, 'half a database');
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    t.equal(
      (await request(server.url, 'POST', '/refresh')).status,
      200,
      'the lock of a refresher that died is free: the kernel released it',
    );
    t.notOk(existsSync(abandoned), 'and its build file removed, without waiting for a restart');
    t.equal((await cliRefresh(config).done).code, 0);
    t.equal(await runs(config), before + 2);
    const release = await lockRefresh(config.DB_PATH);
    t.pass('and released: this process can take it');
    release();
  },
);
