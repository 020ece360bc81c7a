// The dashboard as a person sees it, in a real Chromium against the real server process: every voucher answer,
// every data quality rule, the top customers and the served run in the page's tables; a refresh (by the server or by
// another process) and a failed one show after a re-read; /docs lists every route; /metrics has the figures. No
// request leaves the service, and nothing is logged as an error. Saves a screenshot (DASHBOARD_SCREENSHOT=path).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFile, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import t from 'tap';
import { readRuns } from '../../src/warehouse/run-log.js';
import { generateEventSample } from '../../src/samples/events.js';
import { generateVoucherSample } from '../../src/samples/vouchers.js';
import { browserMissing, launchChromium } from '../helpers/browser.js';
import { request, startServer } from '../helpers/server-process.js';
import { writeVoucherParquet } from '../helpers/voucher-parquet.js';
import { folderOf, readWarehouse, testConfig } from '../helpers/warehouse.js';
import { HISTORY } from '../vouchers/fixtures.js';

/** The cells' text of each body row of a table. */
function rowsOf(page: Page, table: string): Promise<string[][]> {
  return page.evaluate(
    `[...document.querySelectorAll(${JSON.stringify(`${table} tbody tr`)})].map((row) => [...row.cells].map((cell) => cell.textContent.trim()))`,
  );
}

/** A number as the page writes it (2,640 or 299,929.13) as plain text. */
const plain = (text: string) => text.replace(/,/g, '');

/** Clicks "Reload data" and waits until the page has read its data again (and serves `runId`, when given). */
async function reload(page: Page, runId?: string): Promise<void> {
  const before = await page.getAttribute('body', 'data-loaded');
  await page.click('#reload');
  // A selector, not a script: the page's CSP forbids evaluating strings.
  await page.waitForSelector(`body${runId ? `[data-run-id="${runId}"]` : ''}:not([data-loaded="${before}"])`, {
    state: 'attached',
  });
}

interface VoucherRow {
  country_code: string;
  segment_name: string;
  segment_variant: string;
  voucher_amount: number;
}

/** Every answer of the warehouse now: each country with each variant, its own amount or the country's. */
async function expectedAnswers(dbPath: string): Promise<string[][]> {
  const definitions = await readWarehouse<{ segment_name: string; segment_variant: string }>(
    dbPath,
    'select segment_name, segment_variant from segment_definitions',
  );
  const countries = await readWarehouse<{ country_code: string; voucher_amount: number }>(
    dbPath,
    'select country_code, voucher_amount from country_vouchers',
  );
  const own = await readWarehouse<VoucherRow>(
    dbPath,
    'select country_code, segment_name, segment_variant, voucher_amount from segment_vouchers',
  );
  return countries.flatMap((country) =>
    definitions.map((definition) => {
      const answer = own.find(
        (row) =>
          row.country_code === country.country_code &&
          row.segment_name === definition.segment_name &&
          row.segment_variant === definition.segment_variant,
      );
      return [
        country.country_code,
        definition.segment_name,
        definition.segment_variant,
        String(answer?.voucher_amount ?? country.voucher_amount),
        answer ? 'variant' : 'country',
        String(country.voucher_amount),
      ];
    }),
  );
}

/** The voucher table's rows in the shape expectedAnswers gives. */
async function shownAnswers(page: Page): Promise<string[][]> {
  return (await rowsOf(page, '#voucher-table')).map((cells) => [
    cells[0]!,
    cells[1]!,
    cells[2]!,
    plain(cells[3]!),
    cells[4]!,
    plain(cells[7]!),
  ]);
}

const sorted = (rows: string[][]) => [...rows].sort((a, b) => a.join('|').localeCompare(b.join('|')));

/** `npm run refresh` in another process, on the server's warehouse; answers the run id. */
async function cliRefresh(env: Record<string, string>): Promise<string> {
  const child = spawn(process.execPath, ['dist/cli.js', 'refresh'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = await once(child, 'exit');
  const runId = /run ([0-9a-f-]{36}) succeeded/.exec(output)?.[1];
  if (code !== 0 || !runId) throw new Error(`npm run refresh failed (${code}): ${output}`);
  return runId;
}

t.test('the dashboard in Chromium', { skip: browserMissing() ?? false }, async (t) => {
  // First, so a missing browser in CI fails at once, saying how to install it.
  const browser = await launchChromium();
  t.teardown(() => browser.close());
  const folder = folderOf(t);
  const config = testConfig(folder, { LOG_LEVEL: 'warn' });
  // A realistic small input (every country, every rule) and about 3,000 events of 30 customers.
  await generateVoucherSample({ scale: 0.01, outPath: config.DATA_PATH, sqlDir: config.SQL_DIR });
  const sample = join(folder, 'sample.parquet');
  await copyFile(config.DATA_PATH, sample);
  const eventsFile = join(folder, 'events.json');
  await generateEventSample({ scale: 0.1, outPath: eventsFile, format: 'array' });

  const server = await startServer(t, config);
  const posted = await request(server.url, 'POST', '/events', await readFile(eventsFile, 'utf8'));
  t.equal(posted.status, 200, 'the events are stored first');
  const origin = new URL(server.url).origin;

  const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (sent) => requests.push(sent.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => errors.push(`page: ${error.message}`));
  page.setDefaultTimeout(30_000);

  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-loaded]');
  const health = (await request(server.url, 'GET', '/health')).body;

  t.test('every country, segment and variant answer is a row of the voucher table', async (t) => {
    const expected = await expectedAnswers(config.DB_PATH);
    t.ok(expected.length >= 16, `${expected.length} answers`);
    t.same(sorted(await shownAnswers(page)), sorted(expected));
    t.match(await page.getAttribute('#voucher-chart', 'aria-label'), /voucher amount per segment variant/);
  });

  t.test('every data quality rule of the served run, with its rows and effect', async (t) => {
    const rules = await readWarehouse<{ rule: string; effect: string; rows: number }>(
      config.DB_PATH,
      'select rule, effect, rows from data_quality',
    );
    t.ok(rules.length >= 3, `${rules.length} rules touched the sample`);
    const shown = (await rowsOf(page, '#quality-table')).map(([rule, effect, rows]) => [rule!, effect!, plain(rows!)]);
    t.same(
      sorted(shown),
      sorted(
        rules.map((rule) => [rule.rule, rule.effect.replace('not counted toward', 'left out of'), String(rule.rows)]),
      ),
    );
    const trend = await rowsOf(page, '#trend-table');
    t.same(trend.map((row) => row[0]).sort(), rules.map((rule) => rule.rule).sort(), 'the trend table has each rule');
  });

  t.test('the served run and the history', async (t) => {
    const run = (await readRuns(config.DB_PATH)).find((candidate) => candidate.run_id === health.run_id)!;
    const table = Object.fromEntries((await rowsOf(page, '#run-table')).map(([name, value]) => [name, value]));
    t.equal(table.Run, health.run_id);
    t.equal(table.Status, 'succeeded');
    t.match(table.Built, run.finished_at.slice(0, 10));
    t.equal(plain(table['Rows read']!), String(run.rows_read));
    t.equal(plain(table['Rows kept']!), String(run.rows_kept));
    t.equal(plain(table['Rows rejected']!), String(run.rows_rejected));
    t.match(await page.textContent('#status'), health.run_id);
    const history = await rowsOf(page, '#history-table');
    t.equal(history.length, 1);
    t.match(history[0]![1], health.run_id);
    t.match(history[0]![2], 'succeeded');
  });

  t.test('the top customers by lifetime value', async (t) => {
    const top = (await request(server.url, 'GET', '/customers/top-ltv?limit=10')).body as {
      customer_id: string;
      last_name: string | null;
      ltv: number;
      revenue: number;
      visits: number;
    }[];
    t.equal(top.length, 10);
    const shown = (await rowsOf(page, '#ltv-table')).map((cells) => cells.map(plain));
    t.same(
      shown,
      top.map((customer, index) => [
        String(index + 1),
        customer.customer_id,
        customer.last_name ?? '—',
        customer.ltv.toFixed(2),
        customer.revenue.toFixed(2),
        String(customer.visits),
      ]),
    );
    const bins = await rowsOf(page, '#ltv-distribution');
    t.equal(
      bins.reduce((sum, [, count]) => sum + Number(plain(count!)), 0),
      (await request(server.url, 'GET', '/customers/top-ltv?limit=1000')).body.length,
      'the distribution counts every customer',
    );
  });

  t.test('the customer value model panel shows its customers or its message', async (t) => {
    await page.waitForSelector('#clv[data-state]', { state: 'attached' });
    const panel = (await request(server.url, 'GET', '/dashboard/clv.json')).body;
    if (panel.available) t.equal((await rowsOf(page, '#clv-table')).length, panel.customers.length);
    else t.match(await page.textContent('#clv-message'), panel.message);
  });

  t.test('"try a customer" shows the answer, or the error', async (t) => {
    const before = errors.length;
    await page.fill('input[name=country_code]', 'Atlantis');
    await page.click('#try-form button[type=submit]');
    await page.waitForSelector('#try-result .error');
    t.match(await page.textContent('#try-result'), /404 UNKNOWN_COUNTRY: no voucher data for country_code "Atlantis"/);
    // Chromium logs every 4xx answer a page receives; this one was asked for.
    const logged = errors.splice(before);
    t.same(logged, ['console: Failed to load resource: the server responded with a status of 404 (Not Found)']);

    await page.fill('input[name=country_code]', 'Peru');
    await page.click('#try-form button[type=submit]');
    await page.waitForSelector('#try-result .answer');
    const form = await page.evaluate(
      `Object.fromEntries([...document.querySelectorAll('#try-form [name]')].map((field) => [field.name, field.value]))`,
    );
    t.match(form, { customer_id: '123', country_code: 'Peru', segment_name: 'recency_segment' }, 'the seed request');
    const answer = (
      await request(server.url, 'POST', '/select-voucher', {
        ...(form as Record<string, string>),
        customer_id: 123,
        total_orders: 15,
      })
    ).body;
    const shown = await page.textContent('#try-result');
    t.match(plain(shown!), `Voucher amount ${answer.voucher_amount}`);
    t.match(shown, `variant ${answer.segment_variant} of recency_segment`);
    t.match(shown, `basis ${answer.basis}`);
    t.match(shown, answer.run_id);
  });

  t.test('a refresh with other data shows after a re-read', async (t) => {
    await writeVoucherParquet(config.DATA_PATH, HISTORY);
    const refreshed = await request(server.url, 'POST', '/refresh');
    t.equal(refreshed.status, 200);
    await reload(page, refreshed.body.run_id);
    t.same(sorted(await shownAnswers(page)), sorted(await expectedAnswers(config.DB_PATH)));
    t.same(
      [...new Set((await shownAnswers(page)).map(([country]) => country))],
      ['Latvia', 'Peru'],
      'only the new data',
    );
    const history = await rowsOf(page, '#history-table');
    t.match(
      history.map((row) => row[1]),
      [refreshed.body.run_id, health.run_id],
    );
  });

  t.test('a failed refresh is listed with its reason', async (t) => {
    const failed = await request(server.url, 'POST', '/refresh', { country_code: 'Atlantis' });
    t.equal(failed.status, 422);
    await reload(page);
    const [latest] = await rowsOf(page, '#history-table');
    t.match(latest![2], 'failed');
    t.match(latest![7], /^UNKNOWN_COUNTRY: the input has no clean rows for country_code "Atlantis"/);
    t.ok(await page.isVisible('#alert'), 'and said at the top');
    t.match(await page.textContent('#alert'), /latest refresh failed.*UNKNOWN_COUNTRY/);
  });

  t.test('a refresh by another process shows too', async (t) => {
    await copyFile(sample, config.DATA_PATH);
    const runId = await cliRefresh({
      DB_PATH: config.DB_PATH,
      DATA_PATH: config.DATA_PATH,
      EVENTS_PATH: config.EVENTS_PATH,
      SQL_DIR: config.SQL_DIR,
    });
    // The server follows the warehouse file (every 200 ms): wait for it, then for the page.
    const deadline = Date.now() + 30_000;
    while ((await request(server.url, 'GET', '/health')).body.run_id !== runId && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await reload(page, runId);
    t.same(sorted(await shownAnswers(page)), sorted(await expectedAnswers(config.DB_PATH)));
    const history = await rowsOf(page, '#history-table');
    t.same(
      history.map((row) => row[2]),
      ['succeeded', 'failed', 'succeeded', 'succeeded'],
    );
    t.notOk(await page.isVisible('#alert'), 'the failure was superseded');
    const trend = await page.evaluate(`document.querySelectorAll('#trend-table thead th').length`);
    t.equal(trend, 2 + 3, 'the trend covers the three successful runs');

    const screenshot = process.env.DASHBOARD_SCREENSHOT || join(folder, 'dashboard.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    t.comment(`screenshot: ${screenshot}`);
  });

  t.test('fits a phone: only tables scroll sideways, never the page', async (t) => {
    await page.setViewportSize({ width: 390, height: 844 });
    const overflowing = await page.evaluate(
      `[...document.querySelectorAll('body *')].filter((node) => !node.closest('.table-wrap') && node.getBoundingClientRect().right > window.innerWidth + 1).map((node) => node.tagName + '#' + node.id + '.' + node.className + ' ' + node.textContent.slice(0, 40))`,
    );
    t.same(overflowing, [], 'nothing outside a table is wider than the screen');
    t.equal(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth'), true);
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  t.test('/docs lists every route of the document', async (t) => {
    const document = await (await page.goto(`${server.url}/openapi.json`))!.json();
    const documented = Object.entries(document.paths as Record<string, object>).flatMap(([path, methods]) =>
      Object.keys(methods).map((method) => `${method.toUpperCase()} ${path}`),
    );
    await page.goto(`${server.url}/docs`);
    await page
      .locator('.opblock')
      .nth(documented.length - 1)
      .waitFor({ state: 'attached' });
    const shown = await page.evaluate(
      `[...document.querySelectorAll('.opblock')].map((block) => block.querySelector('.opblock-summary-method').textContent + ' ' + block.querySelector('.opblock-summary-path').dataset.path)`,
    );
    t.same((shown as string[]).sort(), documented.sort());
    t.ok(documented.includes('POST /select-voucher') && documented.includes('GET /metrics'));
  });

  t.test('/metrics has per-route histograms and the refreshes', async (t) => {
    // Opened in the browser, as an operator would: the page gets its icon too (no 404 logged).
    const text = await (await page.goto(`${server.url}/metrics`))!.text();
    const value = (series: string) =>
      Number(new RegExp(`^${series.replace(/[{}]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1]);
    t.ok(
      value('http_request_duration_seconds_count{route="/dashboard/data.json",method="GET",status_code="200"}') >= 4,
    );
    t.ok(value('http_request_duration_seconds_count{route="/select-voucher",method="POST",status_code="200"}') >= 1);
    t.equal(value('http_request_duration_seconds_count{route="/select-voucher",method="POST",status_code="404"}'), 1);
    t.equal(value('customer_analytics_refreshes_total{outcome="succeeded"}'), 3);
    t.equal(value('customer_analytics_refreshes_total{outcome="failed"}'), 1);
    t.ok(value('customer_analytics_refresh_duration_seconds_sum{outcome="succeeded"}') > 0);
  });

  t.test('every request stayed on the service, and nothing was logged as an error', async (t) => {
    t.ok(requests.length > 20, `${requests.length} requests`);
    t.same(
      requests.filter((url) => new URL(url).origin !== origin),
      [],
    );
    t.same(errors, []);
  });
});
