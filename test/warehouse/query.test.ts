// `npm run query` as a data engineer uses it on a machine without DuckDB's CLI: a one-shot query prints maps and
// lists as people write them; without a statement it is a read-only SQL prompt, driven here through its
// standard input (statements over several lines, several on a line, an error that does not end it, .tables,
// .schema), that opens the warehouse per statement so it sees a refresh made meanwhile. Runs the built CLI.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import t from 'tap';
import { endsStatement } from '../../src/warehouse/query-prompt.js';
import { refreshWith } from '../helpers/warehouse.js';

const cli = (args: string[], input?: string, env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['dist/cli.js', ...args], {
    encoding: 'utf8',
    input,
    env: { ...process.env, LOG_LEVEL: 'silent', ...env },
  });

/** Three rows: one kept, a copy of it and one without an amount, so both rejection rules count one row. */
const ROWS = [{}, {}, { voucher_amount: null }];

t.test('a one-shot query prints maps as {key=value}, lists as [a, b], structs and NULL as DuckDB does', async (t) => {
  const config = await refreshWith(t, ROWS);
  const result = cli([
    'query',
    '--db',
    config.DB_PATH,
    `select rejected_by_rule, [1, 2] as numbers, ['a', 'b, c', null] as texts, {'x': 1, 'y': 'two'} as pair,
       map {} as nothing, 7::bigint as seven from pipeline_runs`,
  ]);
  t.equal(result.status, 0, result.stderr);
  const [header, rule, row, count] = result.stdout.trimEnd().split('\n');
  t.match(header, /^rejected_by_rule\s+numbers\s+texts\s+pair\s+nothing\s+seven$/);
  t.match(rule, /^-+( +-+){5}$/);
  t.match(
    row,
    /^\{(duplicate_row=1, missing_voucher_amount=1|missing_voucher_amount=1, duplicate_row=1)\}\s+\[1, 2\]\s+\[a, 'b, c', NULL\]\s+\{'x': 1, 'y': two\}\s+\{\}\s+7$/,
    'no [{"key": ..., "value": ...}] in sight',
  );
  t.equal(count, '(1 row)');
});

t.test('the prompt, fed through standard input, runs each statement and carries on after an error', async (t) => {
  const config = await refreshWith(t, ROWS);
  const script = [
    '.tables',
    'select segment_name,',
    '       count(*) as variants -- a comment; not the end',
    '  from segment_definitions',
    " where segment_name <> 'a;b'",
    ' group by segment_name order by segment_name;',
    'select * from no_such_table;',
    'select 1 as one; select 2 as two;',
    '.schema segment_definitions;',
    '.quit',
    'select 3 as never_run;',
  ].join('\n');
  const result = cli(['query', '--db', config.DB_PATH], script);
  t.equal(result.status, 1, 'statements piped in are a script: a failed one makes the exit code 1');
  t.match(
    result.stdout,
    /^name\s+kind\n[- ]+\n(.*\n)*segment_vouchers\s+table\n(.*\n)*stg_voucher_assignments\s+view\n/m,
  );
  t.match(
    result.stdout,
    /segment_name\s+variants\n[- ]+\nfrequent_segment\s+3\nrecency_segment\s+5\n\(2 rows\)\n/,
    'a statement over several lines, with a ; in a comment and in a string',
  );
  t.match(result.stdout, /one\n---\n {2}1\n\(1 row\)\ntwo\n---\n {2}2\n\(1 row\)\n/, 'two statements on one line');
  t.match(result.stdout, /CREATE TABLE segment_definitions\(segment_name VARCHAR/, '.schema NAME');
  t.notMatch(result.stdout, /never_run/, '.quit leaves');
  t.match(result.stderr, /^Error: Catalog Error: Table with name no_such_table does not exist/m);
  t.match(result.stderr, /1 statement\(s\) or command\(s\) failed/);
  t.notMatch(result.stdout, /query>/, 'no prompt is printed when nobody is typing');

  const clean = cli(['query', '--db', config.DB_PATH], 'select 42 as answer;\n');
  t.same([clean.status, clean.stdout], [0, 'answer\n------\n    42\n(1 row)\n'], 'the end of the input leaves too');
});

t.test('the prompt opens the warehouse per statement: it never holds it, and sees a refresh', async (t) => {
  const config = await refreshWith(t, ROWS);
  const prompt = spawn(process.execPath, ['dist/cli.js', 'query', '--db', config.DB_PATH], {
    env: { ...process.env, LOG_LEVEL: 'silent' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  t.teardown(() => prompt.kill());
  let output = '';
  const waiters: [RegExp, () => void][] = [];
  prompt.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    for (const [pattern, resolve] of waiters) if (pattern.test(output)) resolve();
  });
  const answered = (sql: string, count: number) =>
    new Promise<void>((resolve) => {
      waiters.push([new RegExp(`(\\(1 row\\)[^]*){${count}}`), resolve]);
      prompt.stdin.write(`${sql}\n`);
    });
  await answered('select count(*) as runs from pipeline_runs;', 1);
  t.match(output, /runs\n-+\n\s*1\n/);
  const refresh = cli(['refresh', '--db', config.DB_PATH, '--input', config.DATA_PATH], undefined, {
    SQL_DIR: config.SQL_DIR,
    EVENTS_PATH: config.EVENTS_PATH,
  });
  t.equal(refresh.status, 0, `a refresh runs while the prompt is open: ${refresh.stderr}`);
  await answered('select count(*) as runs from pipeline_runs;', 2);
  t.match(output, /runs\n-+\n\s*2\n\(1 row\)\n$/, 'the next statement reads the new warehouse');
  prompt.stdin.end('.quit\n');
  const [code] = await once(prompt, 'exit');
  t.equal(code, 0);
});

/** util-linux script(1) gives the prompt a terminal. */
const noScript = spawnSync('script', ['--version']).error ? 'needs script(1) (util-linux) for a terminal' : false;

t.test(
  'at a terminal it prompts and keeps the lines typed in ~/.customer_analytics_history',
  { skip: noScript },
  async (t) => {
    const config = await refreshWith(t, ROWS);
    const home = await mkdtemp(join(tmpdir(), 'query-home-'));
    t.teardown(() => spawnSync('rm', ['-rf', home]));
    const command = `${process.execPath} dist/cli.js query --db ${config.DB_PATH}`;
    const session = spawnSync('script', ['-qec', command, '/dev/null'], {
      encoding: 'utf8',
      input: 'select 6 * 7 as answer;\n.quit\n',
      env: { ...process.env, HOME: home, LOG_LEVEL: 'silent' },
      // Typed ahead, the input ends while the statement runs: the prompt must still leave, not wait on it.
      timeout: 60_000,
      killSignal: 'SIGKILL',
    });
    t.equal(session.status, 0, `it leaves at .quit: ${session.stdout}`);
    t.match(session.stdout, /Read-only SQL over .*warehouse\.duckdb/, 'a greeting that says what it is');
    t.match(session.stdout, /query> /, 'a prompt');
    t.match(session.stdout, /answer\r?\n-+\r?\n\s+42\r?\n/);
    const history = join(home, '.customer_analytics_history');
    t.ok(existsSync(history), 'a history file');
    t.equal(await readFile(history, 'utf8'), 'select 6 * 7 as answer;\n.quit\n');
  },
);

t.test('a statement ends at a ; outside strings, quoted names and comments', async (t) => {
  t.ok(endsStatement('select 1;'));
  t.ok(endsStatement('select 1;  -- done'));
  t.ok(endsStatement("select ';' as semicolon;"));
  t.notOk(endsStatement("select 'a;"));
  t.notOk(endsStatement('select 1 -- not yet;'));
  t.notOk(endsStatement('select /* ; */ 1'));
  t.notOk(endsStatement('select "a;b"'));
  t.ok(endsStatement('select "a;b" from t;'));
});
