// `npm run ltv` and `npm run ingest` as an operator runs them (the built CLI): the top X as a table or
// as JSON and nothing else on stdout, rejected events on stderr, clean failures, no dependence on the
// machine's time zone, and the same answer as the API after ingesting the same file.
import { spawnSync } from 'node:child_process';
import t from 'tap';
import { appWith, folderOf } from '../helpers/warehouse.js';
import { SEED_EVENTS, eventFile, order, visit } from './fixtures.js';

const cli = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['dist/cli.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
  });

/** Out-of-order and stale updates, a resend, another currency, malformed events, and a Sunday-night start. */
const MESSY = [
  'not an event',
  order('o1', 'c1', '2017-01-09T10:00:00Z', '40.00 USD', 'UPDATE'),
  order('o1', 'c1', '2017-01-03T10:00:00Z', '10.00 USD'),
  order('o2', 'c2', '2017-01-04T10:00:00Z', '25.00 USD'),
  order('o2', 'c2', '2017-01-02T10:00:00Z', '99.00 USD', 'UPDATE'),
  order('o3', 'c2', '2017-01-04T10:00:00Z', '30.00 EUR'),
  visit('v1', 'c1', '2017-01-01T23:30:00Z'),
  visit('v1', 'c1', '2017-01-01T23:30:00Z'),
  visit('v2', 'c2', '2017-01-05T10:00:00Z'),
  { type: 'ORDER', verb: 'NEW', key: 'o4', event_time: '2017-01-05T10:00:00Z' },
];
// Weeks: Sunday 2017-01-01 to Monday 2017-01-09 touches three UTC weeks.
const MESSY_TOP = [
  {
    customer_id: 'c1',
    last_name: null,
    ltv: 6933.33,
    revenue: 40,
    visits: 1,
    revenue_per_visit: 40,
    visits_per_week: 0.3333,
  },
  {
    customer_id: 'c2',
    last_name: null,
    ltv: 4333.33,
    revenue: 25,
    visits: 1,
    revenue_per_visit: 25,
    visits_per_week: 0.3333,
  },
];

t.test('ltv top X --events FILE: a table, or JSON alone on stdout; rejections on stderr', async (t) => {
  const file = await eventFile(t, MESSY);
  const table = cli(['ltv', 'top', '5', '--events', file]);
  t.equal(table.status, 0, table.stderr);
  t.match(
    table.stdout,
    /customer_id\s+last_name\s+ltv\s+revenue\s+visits\s+revenue_per_visit\s+visits_per_week\n[- ]+\nc1\s+NULL\s+6933\.33\s+40\.00\s+1\s+40\.00\s+0\.3333\nc2 /,
  );
  t.match(
    table.stderr,
    /3 event\(s\) rejected:\n {2}event 0: an event must be a JSON object[^\n]*\n {2}event 5: total_amount "30.00 EUR" is not in USD[^\n]*\n {2}event 9: missing customer_id/,
  );
  const json = cli(['ltv', 'top', '5', '--events', file, '--json']);
  t.equal(json.status, 0);
  t.same(JSON.parse(json.stdout), MESSY_TOP, 'stdout is exactly the JSON');
  t.same(JSON.parse(cli(['ltv', 'top', '1', '--events', file, '--json']).stdout), MESSY_TOP.slice(0, 1));
  for (const TZ of ['Asia/Tokyo', 'America/Lima', 'Pacific/Kiritimati']) {
    t.same(JSON.parse(cli(['ltv', 'top', '5', '--events', file, '--json'], { TZ }).stdout), MESSY_TOP, `TZ=${TZ}`);
  }
  const ndjson = cli(['ltv', 'top', '5', '--events', await eventFile(t, MESSY, 'events.ndjson'), '--json']);
  t.same(JSON.parse(ndjson.stdout), MESSY_TOP, 'NDJSON gives the same');
});

t.test('the API gives the CLI answer after ingesting the file, after resending it, and after a refresh', async (t) => {
  const { app } = await appWith(t, [{}]);
  const file = await eventFile(t, MESSY);
  const fromCli = JSON.parse(cli(['ltv', 'top', '10', '--events', file, '--json']).stdout);
  for (const step of ['ingested', 'resent']) {
    await app.inject({ method: 'POST', url: '/events', payload: MESSY });
    t.same((await app.inject({ method: 'GET', url: '/customers/top-ltv?limit=10' })).json(), fromCli, step);
  }
  await app.inject({ method: 'POST', url: '/refresh' });
  t.same((await app.inject({ method: 'GET', url: '/customers/top-ltv?limit=10' })).json(), fromCli, 'refreshed');
});

t.test('ingest FILE appends to the store; ltv top X without --events reads the store', async (t) => {
  const env = { EVENTS_PATH: `${folderOf(t)}/events` };
  const file = await eventFile(t, MESSY, 'events.ndjson');
  const first = cli(['ingest', file], env);
  t.equal(first.status, 0, first.stderr);
  t.match(first.stdout, /6 accepted, 1 duplicate\(s\), 3 rejected/, 'the resent visit in the file is stored once');
  t.match(first.stderr, /3 event\(s\) rejected/);
  t.match(cli(['ingest', file], env).stdout, /0 accepted, 7 duplicate\(s\), 3 rejected/, 'a resend stores nothing');
  t.same(JSON.parse(cli(['ltv', 'top', '10', '--json'], env).stdout), MESSY_TOP);
  t.match(cli(['ingest', await eventFile(t, SEED_EVENTS)], env).stdout, /4 accepted/);
  t.equal(JSON.parse(cli(['ltv', 'top', '10', '--json'], env).stdout).length, 3);
});

t.test('a bad X, a missing file or a bad command fail with a message and a non-zero exit', async (t) => {
  const file = await eventFile(t, SEED_EVENTS);
  for (const x of ['0', '-1', 'abc', '1.5', '']) {
    const result = cli(['ltv', 'top', x, '--events', file]);
    t.equal(result.status, 1, `X=${x}`);
    t.match(result.stderr, /X must be a whole number of at least 1|Unknown option '-1'/);
    t.equal(result.stdout, '');
  }
  const missing = cli(['ltv', 'top', '3', '--events', `${folderOf(t)}/nope.json`, '--json']);
  t.equal(missing.status, 1);
  t.match(missing.stderr, /cannot read the event file .*nope\.json: no such file/);
  t.equal(missing.stdout, '');
  t.match(cli(['ltv', 'bottom', '3']).stderr, /ltv takes one action: top X/);
  t.match(cli(['ingest']).stderr, /ingest takes one event file/);
  t.equal(cli(['ingest', `${folderOf(t)}/nope.json`], { EVENTS_PATH: `${folderOf(t)}/events` }).status, 1);
});

t.test('through npm run -s, as the README shows it for --json, standard output is the JSON alone', async (t) => {
  const file = await eventFile(t, MESSY);
  // As from a user's shell: without the npm_config_loglevel that `npm test --loglevel=...` passes down.
  const { npm_config_loglevel: _loglevel, ...env } = process.env;
  const npm = spawnSync('npm', ['run', '-s', 'ltv', '--', 'top', '5', '--events', file, '--json'], {
    encoding: 'utf8',
    env: { ...env, LOG_LEVEL: 'silent' },
  });
  t.equal(npm.status, 0, npm.stderr);
  t.same(JSON.parse(npm.stdout), MESSY_TOP);
  // Without -s, npm prints its banner ("> customer-analytics@0.1.0 ltv") on standard output before the JSON.
  const loud = spawnSync('npm', ['run', 'ltv', '--', 'top', '5', '--events', file, '--json'], {
    encoding: 'utf8',
    env: { ...env, LOG_LEVEL: 'silent' },
  });
  t.equal(loud.status, 0, loud.stderr);
  t.match(loud.stdout, /^\s*> customer-analytics@[\d.]+ ltv\n/, 'npm announces the script it runs');
});
