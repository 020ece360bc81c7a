// Progress of long commands for a person at a terminal: `npm run refresh` (its steps run in the pipeline
// worker, reported over IPC) and `npm run ltv` (in process) print each SQL step with its time on standard
// error; with --json, or when standard error is not a terminal, nothing of it is printed. Runs the built CLI,
// under util-linux script(1) for a terminal.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { SEED_EVENTS, eventFile } from '../ltv/fixtures.js';
import { fixtureDir, folderOf, testSqlDir } from '../helpers/warehouse.js';

const env = { ...process.env, LOG_LEVEL: 'silent', SQL_DIR: testSqlDir() };
const command = (args: string[]) => [process.execPath, 'dist/cli.js', ...args].join(' ');

/** The CLI at a terminal: standard output and error both go to it, and come back here together. */
const atTerminal = (args: string[]) =>
  spawnSync('script', ['-qec', command(args), '/dev/null'], { encoding: 'utf8', env, timeout: 120_000 });

const noScript = spawnSync('script', ['--version']).error ? 'needs script(1) (util-linux) for a terminal' : false;
const STEP = /step (\d+)\/(\d+) sql\/(\S+\.sql) \((\d+ ms|\d+\.\d s)\)/g;

t.test('refresh and ltv at a terminal print each SQL step with its time', { skip: noScript }, async (t) => {
  const config = await fixtureDir(t, [{}]);
  const refresh = atTerminal(['refresh', '--input', config.DATA_PATH, '--db', config.DB_PATH]);
  t.equal(refresh.status, 0, refresh.stdout);
  const steps = [...refresh.stdout.matchAll(STEP)].map(([, index, total, file]) => [
    Number(index),
    Number(total),
    file,
  ]);
  const total = steps[0]?.[1] as number;
  t.ok(total > 20, `every step and check is counted: ${total}`);
  t.same(
    steps.map(([index]) => index),
    Array.from({ length: total }, (_, index) => index + 1),
    'one line per step, in order',
  );
  t.match(steps[0], [1, total, 'vouchers/005_row_rules.sql'], 'named as errors name them');
  t.ok(
    steps.some(([, , file]) => file === 'vouchers/checks/definitions_do_not_overlap.sql'),
    'the data checks too',
  );
  t.match(refresh.stdout, /run [0-9a-f-]{36} succeeded/, 'then the summary');

  const ltv = atTerminal(['ltv', 'top', '3', '--events', await eventFile(t, SEED_EVENTS)]);
  t.equal(ltv.status, 0, ltv.stdout);
  t.match(
    ltv.stdout,
    /step 1\/\d+ sql\/events\/\S+\.sql \(.*step \d+\/\d+ sql\/ltv\/\S+\.sql \(/s,
    'ltv shows its steps too',
  );
});

t.test('with --json, or when standard error is not a terminal, no progress is printed', async (t) => {
  const config = await fixtureDir(t, [{}]);
  const events = await eventFile(t, SEED_EVENTS);
  const piped = spawnSync(
    process.execPath,
    ['dist/cli.js', 'refresh', '--input', config.DATA_PATH, '--db', join(folderOf(t), 'piped.duckdb')],
    { encoding: 'utf8', env },
  );
  t.equal(piped.status, 0, piped.stderr);
  t.equal(piped.stderr, '', 'nothing on a standard error that is not a terminal');
  t.notMatch(piped.stdout, /step \d+\//);
  if (!noScript) {
    const json = atTerminal(['ltv', 'top', '3', '--events', events, '--json']);
    t.equal(json.status, 0, json.stdout);
    t.notMatch(json.stdout, /step \d+\//, 'not with --json, even at a terminal');
    t.match(JSON.parse(json.stdout), [{ customer_id: '96f55c7d8f42' }], 'the output is the JSON alone');
  }
});
