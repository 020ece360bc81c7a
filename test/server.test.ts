// The server process as `npm start` runs it: it builds the warehouse on first start (in a worker,
// without loading DuckDB itself), answers the seed's example request over real HTTP, and exits 0
// on SIGTERM; its log is one line per request with ISO times, and readable through npm run start:pretty.
// Runs the built server.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { HISTORY, SEED_REQUEST } from './vouchers/fixtures.js';
import type { Config } from '../src/config.js';
import { fixtureDir } from './helpers/warehouse.js';

/** Where the server finds its files: the test's own folder and the tests' SQL. */
const pathsOf = (config: Config) => ({
  DATA_PATH: config.DATA_PATH,
  DB_PATH: config.DB_PATH,
  EVENTS_PATH: config.EVENTS_PATH,
  SQL_DIR: config.SQL_DIR,
});

t.test('starts, builds the warehouse, answers the seed request, stops on SIGTERM', async (t) => {
  const config = await fixtureDir(t, HISTORY);
  const server = spawn(process.execPath, ['dist/server.js'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      DATA_PATH: config.DATA_PATH,
      DB_PATH: config.DB_PATH,
      EVENTS_PATH: config.EVENTS_PATH,
      SQL_DIR: config.SQL_DIR,
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  t.teardown(() => server.kill('SIGKILL'));
  let output = '';
  const address = await new Promise<string>((resolve, reject) => {
    server.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (match) resolve(match[1]!);
    });
    server.on('exit', (code) => reject(new Error(`server exited with ${code}: ${output}`)));
  });
  t.ok(existsSync(config.DB_PATH), 'the first start built the warehouse');
  const building = output.search(/no warehouse at [^"]*warehouse\.duckdb yet: building it/);
  t.ok(
    building >= 0 && building < output.indexOf('Server listening'),
    `it says it is building the warehouse before it listens, not a blank screen:\n${output}`,
  );
  const mapped = await readFile(`/proc/${server.pid}/maps`, 'utf8');
  t.notMatch(mapped, /duckdb/i, 'the server process never loads DuckDB: the pipeline worker does');

  const response = await fetch(`${address}/select-voucher`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(SEED_REQUEST),
  });
  t.equal(response.status, 200);
  t.match(await response.json(), { voucher_amount: 2640, country_code: 'Peru', segment_variant: '180+' });

  server.kill('SIGTERM');
  const [code] = await once(server, 'exit');
  t.equal(code, 0, 'exits 0 after a graceful shutdown');

  const lines = output
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as { time: string; msg: string; req?: { url: string } });
  t.ok(
    lines.every((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(line.time)),
    'every log line has an ISO 8601 UTC time, not milliseconds since 1970',
  );
  t.match(
    lines.filter((line) => JSON.stringify(line).includes('/select-voucher')),
    [{ msg: 'request completed', req: { method: 'POST', url: '/select-voucher' }, res: { statusCode: 200 } }],
    'one log line per request, with its method, URL, status and time taken',
  );
});

t.test('npm run start:pretty logs for a person: one readable line each', async (t) => {
  const config = await fixtureDir(t, HISTORY);
  const { npm_config_loglevel: _loglevel, ...env } = process.env;
  // Its own process group (npm, its shell, the server and pino-pretty), ended as one.
  const pretty = spawn('npm', ['run', 'start:pretty'], {
    env: { ...env, PORT: '0', HOST: '127.0.0.1', ...pathsOf(config), LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
    detached: true,
  });
  t.teardown(() => process.kill(-pretty.pid!, 'SIGKILL'));
  let output = '';
  await new Promise<void>((resolve, reject) => {
    pretty.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (/Server listening at/.test(output)) resolve();
    });
    pretty.on('exit', (code) => reject(new Error(`npm run start:pretty exited with ${code}: ${output}`)));
  });
  t.match(
    output,
    /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: no warehouse at \S+ yet: building it/m,
    'a time, a level, a sentence',
  );
  t.match(output, /^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: Server listening at http:\/\/127\.0\.0\.1:\d+$/m);
  t.notMatch(output, /^\{"level"/m, 'no JSON lines');
});

t.test('refuses to start, with the reason, when there is no warehouse and no input', async (t) => {
  const config = await fixtureDir(t, []);
  const server = spawn(process.execPath, ['dist/server.js'], {
    env: {
      ...process.env,
      PORT: '0',
      DATA_PATH: `${config.DATA_PATH}.missing`,
      DB_PATH: config.DB_PATH,
      EVENTS_PATH: config.EVENTS_PATH,
      SQL_DIR: config.SQL_DIR,
      LOG_LEVEL: 'silent',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  server.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const [code] = await once(server, 'exit');
  t.equal(code, 1);
  t.match(stderr, /cannot start: input file not found/);
});
