// GET /metrics: Prometheus text with request durations labelled by route pattern (never the raw URL), every
// refresh in the run log by outcome with its duration, the served run's rows, rules and age, and the events ingested.
import t from 'tap';
import { readRuns } from '../src/warehouse/run-log.js';
import { appWith, readWarehouse } from './helpers/warehouse.js';
import { SEED_EVENTS } from './ltv/fixtures.js';
import { HISTORY, SEED_REQUEST } from './vouchers/fixtures.js';

/** The value of one series, by its name and exact labels as the text writes them; undefined when absent. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

const duration = (labels: string) => `http_request_duration_seconds_count{${labels}}`;

t.test('GET /metrics', async (t) => {
  // A rejected row and a row left out of frequent_segment, so the data quality figures are not empty.
  const { app, config } = await appWith(t, [
    ...HISTORY,
    { voucher_amount: null },
    { country_code: 'Latvia', total_orders: '' },
  ]);
  const send = (method: 'GET' | 'POST', url: string, payload?: unknown) =>
    app.inject({ method, url, payload: payload as object });

  t.equal((await send('POST', '/select-voucher', SEED_REQUEST)).statusCode, 200);
  t.equal((await send('POST', '/select-voucher', SEED_REQUEST)).statusCode, 200);
  t.equal((await send('POST', '/select-voucher', { ...SEED_REQUEST, total_orders: -1 })).statusCode, 400);
  t.equal((await send('GET', '/customers/top-ltv?limit=3')).statusCode, 200);
  t.equal((await send('GET', '/nope/12345?secret=1')).statusCode, 404);
  t.equal((await send('POST', '/refresh', { country_code: 'Atlantis' })).statusCode, 422);
  const bad = { type: 'ORDER', verb: 'NEW', key: 'o1', event_time: '2017-01-06T12:55:55Z', total_amount: '1.00 EUR' };
  t.match((await send('POST', '/events', [...SEED_EVENTS, bad])).json(), { accepted: 4, duplicates: 0 });
  t.match((await send('POST', '/events', SEED_EVENTS)).json(), { accepted: 0, duplicates: 4 });
  await send('GET', '/metrics');

  const response = await send('GET', '/metrics');
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /^text\/plain; version=0\.0\.4/);
  const text = response.body;

  t.test('request durations by route pattern, method and status', async (t) => {
    t.equal(sample(text, duration('route="/select-voucher",method="POST",status_code="200"')), 2);
    t.equal(sample(text, duration('route="/select-voucher",method="POST",status_code="400"')), 1);
    t.equal(sample(text, duration('route="/customers/top-ltv",method="GET",status_code="200"')), 1);
    t.equal(sample(text, duration('route="/refresh",method="POST",status_code="422"')), 1);
    t.equal(
      sample(text, duration('route="unmatched",method="GET",status_code="404"')),
      1,
      'unknown URLs share a label',
    );
    t.equal(
      sample(
        text,
        'http_request_duration_seconds_bucket{le="+Inf",route="/select-voucher",method="POST",status_code="200"}',
      ),
      2,
      'a histogram, with buckets',
    );
    t.ok(
      sample(text, 'http_request_duration_seconds_sum{route="/select-voucher",method="POST",status_code="200"}')! > 0,
    );
    const routes = new Set([...text.matchAll(/route="([^"]*)"/g)].map((match) => match[1]));
    t.notOk(
      [...routes].some((route) => /\?|nope|12345|limit=/.test(route!)),
      'no raw URL is a label',
    );
    t.notOk(routes.has('/metrics'), '/metrics itself is not measured');
  });

  t.test('every refresh in the run log, by outcome, with its duration', async (t) => {
    const runs = await readRuns(config.DB_PATH);
    const failed = runs.filter((run) => run.status === 'failed');
    const succeeded = runs.filter((run) => run.status === 'succeeded');
    t.equal(failed.length, 1);
    t.equal(sample(text, 'customer_analytics_refreshes_total{outcome="succeeded"}'), succeeded.length);
    t.equal(sample(text, 'customer_analytics_refreshes_total{outcome="failed"}'), 1);
    t.equal(sample(text, 'customer_analytics_refresh_duration_seconds_count{outcome="failed"}'), 1);
    t.equal(
      sample(text, 'customer_analytics_refresh_duration_seconds_sum{outcome="succeeded"}'),
      succeeded.reduce((sum, run) => sum + run.duration_ms / 1000, 0),
    );
    t.equal(
      sample(text, 'customer_analytics_last_refresh_timestamp_seconds{outcome="failed"}'),
      Date.parse(failed[0]!.finished_at) / 1000,
    );
  });

  t.test("the served run's rows, rules and age", async (t) => {
    const [run] = (await readRuns(config.DB_PATH)).filter((candidate) => candidate.status === 'succeeded');
    t.equal(sample(text, 'customer_analytics_served_run_rows{stage="read"}'), run!.rows_read);
    t.equal(sample(text, 'customer_analytics_served_run_rows{stage="kept"}'), run!.rows_kept);
    t.equal(sample(text, 'customer_analytics_served_run_rows{stage="rejected"}'), 1);
    const rules = await readWarehouse<{ rule: string; effect: string; rows: number }>(
      config.DB_PATH,
      'select rule, effect, rows from data_quality',
    );
    t.equal(rules.length, 2);
    for (const rule of rules) {
      t.equal(
        sample(text, `customer_analytics_served_run_rule_rows{rule="${rule.rule}",effect="${rule.effect}"}`),
        rule.rows,
        rule.rule,
      );
    }
    t.equal(sample(text, `customer_analytics_served_run_info{run_id="${run!.run_id}"}`), 1);
    const age = sample(text, 'customer_analytics_served_run_age_seconds')!;
    t.ok(age >= 0 && age < 600, `the age is a few seconds (${age})`);
  });

  t.test('the events posted to this server, by outcome', async (t) => {
    t.equal(sample(text, 'customer_analytics_events_total{outcome="accepted"}'), 4);
    t.equal(sample(text, 'customer_analytics_events_total{outcome="duplicate"}'), 4);
    t.equal(sample(text, 'customer_analytics_events_total{outcome="rejected"}'), 1);
  });

  t.test("the process's own figures", async (t) => {
    t.match(text, /^process_resident_memory_bytes \d+/m);
    t.match(text, /^nodejs_eventloop_lag_p99_seconds /m);
  });
});
