// The server process as `npm start` runs it: it builds the warehouse on first start (in a worker,
// without loading DuckDB itself), answers the seed's example request over real HTTP, and exits 0
// on SIGTERM. Runs the built server.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import t from 'tap';
import { HISTORY, SEED_REQUEST } from './vouchers/fixtures.js';
import { fixtureDir } from './helpers/warehouse.js';

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
