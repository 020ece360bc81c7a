// A failed refresh as a data engineer and an operator meet it: a typo in the SQL names its file and line,
// and the server logs the failure once, with its code, reason and inputs, and no stack trace. The real server
// process (`node dist/server.js`) over a copy of sql/, its log read as it writes it.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { request, startServer, type ServerProcess } from '../helpers/server-process.js';
import { copySqlDir, fixtureDir } from '../helpers/warehouse.js';
import { HISTORY } from '../vouchers/fixtures.js';

/**
 * Waits until the server has logged a request made after everything before it: its log reaches this process
 * later than its answers may, but in the order it was written, so then every earlier line is here.
 */
async function everythingLogged(server: ServerProcess): Promise<void> {
  const marker = `/health?marker=${Math.random().toString(36).slice(2)}`;
  await request(server.url, 'GET', marker);
  await server.logged(new RegExp(`"url":"${marker.replace(/[?]/g, '\\?')}"`));
}

/** The server's JSON log lines that mention `text`. */
const logLinesWith = (output: string, text: string) =>
  output
    .split('\n')
    .filter((line) => line.startsWith('{') && line.includes(text))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

t.test('a typo in a SQL file fails the refresh naming sql/<file>, line N; it is logged once', async (t) => {
  const sqlDir = await copySqlDir(t);
  const config = { ...(await fixtureDir(t, HISTORY)), SQL_DIR: sqlDir };
  const server = await startServer(t, config, { env: { LOG_LEVEL: 'info' } });
  const file = join(sqlDir, 'vouchers', '070_segment_vouchers.sql');
  const text = await readFile(file, 'utf8');
  const typos = [
    { name: 'a misspelled keyword', from: 'group by all\n),\n\nranked', to: 'gruop by all\n),\n\nranked' },
    { name: 'a misspelled column', from: 'sum(uses) over variant', to: 'sum(usses) over variant' },
  ];
  for (const { name, from, to } of typos) {
    t.ok(text.includes(from), `${name}: the shipped file still has the text the typo replaces`);
    const changed = text.replace(from, to);
    const typoLine = changed.split('\n').findIndex((each) => /gruop|usses/.test(each)) + 1;
    await writeFile(file, changed);
    const answer = await request(server.url, 'POST', '/refresh');
    t.match(
      answer,
      {
        status: 500,
        body: { code: 'PIPELINE_FAILED', message: `sql/vouchers/070_segment_vouchers.sql, line ${typoLine}:` },
      },
      `${name}: the message names the file and the line of the typo (${typoLine})`,
    );
  }
  await writeFile(file, text);

  await everythingLogged(server);
  const failures = logLinesWith(server.output(), 'PIPELINE_FAILED');
  t.equal(failures.length, typos.length, `each failed refresh is logged once:\n${server.output()}`);
  for (const logged of failures) {
    t.match(
      logged,
      {
        level: 50,
        msg: 'refresh failed; still serving the previous warehouse',
        code: 'PIPELINE_FAILED',
        reason: /^sql\/vouchers\/070_segment_vouchers\.sql, line \d+: /,
        inputs: { vouchers: config.DATA_PATH, events: config.EVENTS_PATH },
      },
      'with its code, its reason and its inputs',
    );
    t.notOk(
      'err' in logged || JSON.stringify(logged).includes('    at '),
      'and no stack trace: the failure was expected',
    );
  }
  t.same(logLinesWith(server.output(), '"request failed"'), [], 'the error handler does not log it a second time');
});

t.test('a refresh refused for its input is logged once too', async (t) => {
  const config = await fixtureDir(t, HISTORY);
  const server = await startServer(t, config, { env: { LOG_LEVEL: 'info' } });
  await rm(config.DATA_PATH);
  const answer = await request(server.url, 'POST', '/refresh');
  t.match(answer, { status: 422, body: { code: 'INPUT_NOT_FOUND' } });
  await everythingLogged(server);
  const mentions = logLinesWith(server.output(), 'INPUT_NOT_FOUND');
  t.equal(mentions.length, 1, `logged once:\n${server.output()}`);
  t.match(mentions[0], { level: 50, msg: /refresh failed/, inputs: { vouchers: config.DATA_PATH } });
});
