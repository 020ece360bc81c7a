// `npm run ltv` and `npm run ingest` as an operator runs them (the built CLI): the top X as a table or
// as JSON and nothing else on stdout, rejected events on stderr, clean failures, no dependence on the
// machine's time zone, and the same answer as the API after ingesting the same file.
import { spawnSync } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
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
    table.stdout,
    /\n\(2 rows\)\ntimeframe: 2017-01-01T23:30:00\.000Z to 2017-01-09T10:00:00\.000Z, 3 weeks \(Monday to Sunday, UTC\)\n$/,
    'the table ends with the timeframe and its weeks',
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
  t.match(cli(['ltv', 'top', '10'], env).stdout, /\(0 rows\)\ntimeframe: none \(no events\)\n$/, 'an empty store');
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
  const badX: [string, string[]][] = ['0', '-1', 'abc', '1.5', '', '-0.5'].map((x) => [x, ['ltv', 'top', x]]);
  badX.push(['-1', ['ltv', 'top', '--', '-1']]); // as `npm run ltv -- top -- -1` passes it
  for (const [x, args] of badX) {
    const result = cli([...args, '--events', file]);
    t.equal(result.status, 1, args.join(' '));
    t.match(result.stderr, `X must be a whole number of at least 1, not ${JSON.stringify(x)}\n`, args.join(' '));
    t.equal(result.stdout, '');
  }
  const none = cli(['ltv', 'top', '--events', file]);
  t.equal(none.status, 1);
  t.match(none.stderr, /^X must be a whole number of at least 1, and none was given\n/);
  const missing = cli(['ltv', 'top', '3', '--events', `${folderOf(t)}/nope.json`, '--json']);
  t.equal(missing.status, 1);
  t.match(missing.stderr, /cannot read the event file .*nope\.json: no such file/);
  t.equal(missing.stdout, '');
  t.match(cli(['ltv', 'bottom', '3']).stderr, /ltv takes one action: top X/);
  t.match(cli(['ingest']).stderr, /ingest takes one event file/);
  t.equal(cli(['ingest', `${folderOf(t)}/nope.json`], { EVENTS_PATH: `${folderOf(t)}/events` }).status, 1);
});

t.test('a file whose every event is rejected says so and exits 1, after listing them', async (t) => {
  const file = await eventFile(t, [order('o1', 'c1', '2017-01-03T10:00:00Z', '10.00 EUR'), 'not an event']);
  const result = cli(['ltv', 'top', '5', '--events', file]);
  t.equal(result.status, 1);
  t.match(
    result.stderr,
    /^2 event\(s\) rejected:\n {2}event 0: [^\n]*EUR[^\n]*\n {2}event 1: [^\n]*\nerror: every event of the event file \S+events\.json was rejected/,
  );
  t.equal(result.stdout, '');
});

t.test('an empty, blank, eventless, non-JSON or binary file fails with what is wrong, and exits 1', async (t) => {
  const dir = folderOf(t);
  const files: [string, string | Buffer, RegExp][] = [
    ['empty.json', '', /is empty: it holds no events/],
    ['blank.ndjson', '\n  \n', /is empty: it holds no events/],
    ['no-events.json', '[]', /holds no events/],
    ['text.txt', 'hello\nworld\n', /is not JSON: none of its 2 value\(s\) could be read/],
    ['nul.json', Buffer.from([0x5b, 0x7b, 0x00, 0x7d, 0x5d]), /is binary, not JSON text/],
    ['data.parquet.gzip', await readFile('data/data.parquet.gzip'), /is binary, not JSON text/],
  ];
  for (const [name, content, message] of files) {
    await writeFile(join(dir, name), content);
    const result = cli(['ltv', 'top', '5', '--events', join(dir, name)]);
    t.equal(result.status, 1, name);
    t.match(
      result.stderr,
      new RegExp(`^error: the event file \\S+${name.replace('.', '\\.')} ${message.source}`),
      name,
    );
    t.match(result.stderr, /expected a JSON array of events, or one JSON event per line/, name);
    t.equal(result.stdout, '', name);
  }
});

t.test('--events given twice reads both files as one data set, naming each rejected event by file', async (t) => {
  const first = await eventFile(t, [visit('p1', 'c1', '2017-01-02T10:00:00Z'), 'oops'], 'first.json');
  const second = await eventFile(
    t,
    [order('o1', 'c1', '2017-01-16T10:00:00Z', '30.00 EUR'), order('o2', 'c1', '2017-01-16T10:00:00Z', '30.00 USD')],
    'second.ndjson',
  );
  const result = cli(['ltv', 'top', '5', '--events', first, '--events', second, '--json']);
  t.equal(result.status, 0, result.stderr);
  t.same(
    JSON.parse(result.stdout),
    [
      {
        customer_id: 'c1',
        last_name: null,
        ltv: 5200,
        revenue: 30,
        visits: 1,
        revenue_per_visit: 30,
        visits_per_week: 0.3333,
      },
    ],
    "the visit of one file and the order of the other, over both files' three weeks",
  );
  t.match(
    result.stderr,
    /^2 event\(s\) rejected:\n {2}\S+first\.json event 1: an event must be a JSON object[^\n]*\n {2}\S+second\.ndjson event 0: [^\n]*not in USD/,
  );
  const twice = cli(['ltv', 'top', '5', '--events', first, '--events', first]);
  t.equal(twice.status, 1);
  t.match(twice.stderr, /--events names \S+first\.json more than once/);
});

t.test(
  'ingest of a file that is not JSON, empty or binary exits 1 and stores nothing; bad events among readable ones do not',
  async (t) => {
    const dir = folderOf(t);
    const env = { EVENTS_PATH: join(dir, 'events') };
    const files: [string, string | Buffer, RegExp][] = [
      ['text.txt', 'hello\nworld\n', /is not JSON: none of its 2 value\(s\) could be read, so nothing was stored/],
      ['empty.json', '', /is empty: it holds no events/],
      ['data.parquet.gzip', await readFile('data/data.parquet.gzip'), /is binary, not JSON text/],
    ];
    for (const [name, content, message] of files) {
      await writeFile(join(dir, name), content);
      const result = cli(['ingest', join(dir, name)], env);
      t.equal(result.status, 1, name);
      t.match(result.stderr, message, name);
      t.equal(result.stdout, '', name);
    }
    const mixed = join(dir, 'mixed.ndjson');
    await writeFile(mixed, `not json\n${JSON.stringify(SEED_EVENTS[3])}\n"not an event"\n`);
    const result = cli(['ingest', mixed], env);
    t.equal(result.status, 0, result.stderr);
    t.match(result.stdout, /1 accepted, 0 duplicate\(s\), 2 rejected/);
    t.match(
      result.stderr,
      /2 event\(s\) rejected:\n {2}event 0: not valid JSON[^\n]*\n {2}event 2: an event must be a JSON object/,
    );
  },
);

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
