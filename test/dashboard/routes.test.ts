// The dashboard's routes: GET / and its files come from this service only; GET /dashboard/data.json holds every
// answer /select-voucher gives, the served run's data quality and the run history (failed refreshes with their
// reason); GET /dashboard/clv.json passes the customer value model's answer on, or its message.
import { simulateOrders } from '../../src/clv/simulate.js';
import t from 'tap';
import { writeVoucherParquet } from '../helpers/voucher-parquet.js';
import { appWith, readWarehouse, sharedRun, TODAY } from '../helpers/warehouse.js';
import { HISTORY, SEED_REQUEST } from '../vouchers/fixtures.js';

/** The API fixtures, plus a rejected row, a duplicate and rows left out of each segment. */
const ROWS = [
  ...HISTORY,
  { voucher_amount: null },
  { country_code: 'Latvia', voucher_amount: 999, timestamp: '2020-05-21 00:00:00+00:00' },
  { country_code: 'Latvia', voucher_amount: 999, timestamp: '2020-05-21 00:00:00+00:00' },
  { country_code: 'Latvia', total_orders: '' },
  { country_code: 'Latvia', last_order_ts: 'not a time' },
];

interface Definition {
  segment_name: string;
  segment_variant: string;
  measure: string;
  lower_bound: number;
}

t.test('GET / and its files', async (t) => {
  const appFor = await sharedRun(t, HISTORY);
  const { app } = await appFor(t);
  const page = await app.inject({ method: 'GET', url: '/' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /^text\/html/);
  t.match(page.headers['content-security-policy'], /default-src 'self'.*connect-src 'self'/);
  t.match(page.body, /<html lang="en">/);
  const assets = [...page.body.matchAll(/(?:src|href)="([^"#]+)"/g)].map((match) => match[1]!);
  const files = assets.filter((asset) => asset.startsWith('/dashboard/'));
  t.same(files.sort(), [
    '/dashboard/dashboard.css',
    '/dashboard/dashboard.js',
    '/dashboard/favicon.svg',
    '/dashboard/vendor/chart.umd.min.js',
  ]);
  for (const asset of assets) t.notMatch(asset, /^(https?:)?\/\//, `${asset} is this service's`);
  const types: Record<string, RegExp> = { css: /text\/css/, js: /javascript/, svg: /image\/svg/ };
  for (const file of files) {
    const answer = await app.inject({ method: 'GET', url: file });
    t.equal(answer.statusCode, 200, `${file} is served`);
    t.match(answer.headers['content-type'], types[file.split('.').pop()!]!);
  }
  const icon = await app.inject({ method: 'GET', url: '/favicon.ico' });
  t.equal(icon.statusCode, 200, 'browsers ask every page for /favicon.ico');
  t.match(icon.headers['content-type'], /image\/svg\+xml/);
  const chart = await app.inject({ method: 'GET', url: '/dashboard/vendor/chart.umd.min.js' });
  t.match(chart.body.slice(0, 300), /Chart\.js v4/, "Chart.js's UMD build, from node_modules");
  for (const url of ['/dashboard/vendor/chart.js', '/dashboard/vendor/../../package.json', '/dashboard/index.html']) {
    t.ok([403, 404].includes((await app.inject({ method: 'GET', url })).statusCode), `${url} is not served`);
  }
});

t.test('GET /dashboard/data.json', async (t) => {
  const appFor = await sharedRun(t, ROWS);
  const { app, config } = await appFor(t);
  const response = await app.inject({ method: 'GET', url: '/dashboard/data.json' });
  t.equal(response.statusCode, 200);
  const data = response.json();

  t.test('every country, segment and variant with its answer and the country fallback', async (t) => {
    const definitions = await readWarehouse<Definition>(
      config.DB_PATH,
      'select segment_name, segment_variant, measure, lower_bound from segment_definitions',
    );
    const countries = await readWarehouse<{ country_code: string; voucher_amount: number }>(
      config.DB_PATH,
      'select country_code, voucher_amount from country_vouchers',
    );
    const variants = await readWarehouse<{
      country_code: string;
      segment_name: string;
      segment_variant: string;
      voucher_amount: number;
      voucher_count: number;
      variant_rows: number;
    }>(config.DB_PATH, 'select * from segment_vouchers');
    t.equal(data.vouchers.answers.length, countries.length * definitions.length, 'one row per country and variant');
    for (const country of countries) {
      for (const definition of definitions) {
        const own = variants.find(
          (row) =>
            row.country_code === country.country_code &&
            row.segment_name === definition.segment_name &&
            row.segment_variant === definition.segment_variant,
        );
        const row = data.vouchers.answers.find(
          (answer: Record<string, unknown>) =>
            answer.country_code === country.country_code &&
            answer.segment_name === definition.segment_name &&
            answer.segment_variant === definition.segment_variant,
        );
        const name = `${country.country_code} ${definition.segment_name} ${definition.segment_variant}`;
        t.same(
          row,
          {
            country_code: country.country_code,
            segment_name: definition.segment_name,
            segment_variant: definition.segment_variant,
            basis: own ? 'segment' : 'country',
            voucher_amount: own ? own.voucher_amount : country.voucher_amount,
            voucher_count: own ? own.voucher_count : null,
            variant_rows: own ? own.variant_rows : 0,
            country_voucher_amount: country.voucher_amount,
          },
          name,
        );
        // The same answer as the API gives a customer at the variant's lower bound.
        const customer =
          definition.measure === 'total_orders'
            ? { total_orders: definition.lower_bound }
            : { last_order_ts: new Date(TODAY.getTime() - definition.lower_bound * 86_400_000).toISOString() };
        const answer = await app.inject({
          method: 'POST',
          url: '/select-voucher',
          payload: {
            ...SEED_REQUEST,
            country_code: country.country_code,
            segment_name: definition.segment_name,
            ...customer,
          },
        });
        t.match(answer.json(), { voucher_amount: row.voucher_amount, basis: row.basis }, `${name}: the API agrees`);
      }
    }
    t.same(
      data.vouchers.countries.map((country: { country_code: string }) => country.country_code),
      ['Latvia', 'Peru'],
    );
  });

  t.test("the served run's data quality, one row per rule", async (t) => {
    const rules = await readWarehouse(config.DB_PATH, 'select rule, effect, rows from data_quality');
    t.same(
      [...data.data_quality].sort((a, b) => a.rule.localeCompare(b.rule)),
      rules.sort((a, b) => String(a.rule).localeCompare(String(b.rule))),
    );
    t.same(data.data_quality.map((rule: { rule: string }) => rule.rule).sort(), [
      'duplicate_row',
      'last_order_ts_unreadable',
      'missing_voucher_amount',
      'total_orders_missing',
    ]);
  });

  t.test('the served run, the run history and the example request', async (t) => {
    const health = (await app.inject({ method: 'GET', url: '/health' })).json();
    t.match(data.served, {
      run: { run_id: health.run_id, status: 'succeeded', rows_read: ROWS.length, rows_rejected: 2 },
    });
    t.equal(data.served.is_latest, health.is_latest);
    t.match(data.runs, [{ run_id: health.run_id, is_served: true, status: 'succeeded', rows_kept: ROWS.length - 2 }]);
    t.same(data.example_request, SEED_REQUEST);
  });
});

t.test('the run history lists a failed refresh with its reason, and the next success', async (t) => {
  const { app, config } = await appWith(t, HISTORY);
  const read = async () => (await app.inject({ method: 'GET', url: '/dashboard/data.json' })).json();
  const first = await read();
  t.equal(
    (await app.inject({ method: 'POST', url: '/refresh', payload: { country_code: 'Atlantis' } })).statusCode,
    422,
  );
  const afterFailure = await read();
  t.equal(afterFailure.served.run.run_id, first.served.run.run_id, 'the previous run is still served');
  t.match(afterFailure.runs[0], {
    status: 'failed',
    is_served: false,
    error_code: 'UNKNOWN_COUNTRY',
    error_message: /Atlantis/,
  });
  t.match(afterFailure.served.last_refresh_failure, { code: 'UNKNOWN_COUNTRY', message: /Atlantis/ });
  t.notOk(afterFailure.served.last_refresh_failure.superseded_by);

  // Other data: Peru's 2640s become 4400s.
  await writeVoucherParquet(config.DATA_PATH, [
    ...HISTORY,
    ...[1, 2, 3, 4].map((hour) => ({ voucher_amount: 4400, timestamp: `2020-05-20 1${hour}:00:00+00:00` })),
  ]);
  const refreshed = await app.inject({ method: 'POST', url: '/refresh' });
  t.equal(refreshed.statusCode, 200);
  const after = await read();
  t.equal(after.served.run.run_id, refreshed.json().run_id, 'the new run is what the page reads');
  t.same(
    after.runs.map((run: { status: string }) => run.status),
    ['succeeded', 'failed', 'succeeded'],
  );
  t.match(
    after.vouchers.answers.find(
      (row: Record<string, string>) => row.segment_variant === '30-60' && row.country_code === 'Peru',
    ),
    {
      voucher_amount: 4400,
    },
  );
  t.equal(after.served.last_refresh_failure.superseded_by, refreshed.json().run_id);
});

t.test("GET /dashboard/clv.json: the model's reason while it cannot be fitted, then its customers", async (t) => {
  const appFor = await sharedRun(t, HISTORY);
  const { app } = await appFor(t);
  const panel = async () => {
    const response = await app.inject({ method: 'GET', url: '/dashboard/clv.json' });
    t.equal(response.statusCode, 200, 'always a 200: the page reads one shape');
    return response.json();
  };
  t.match(await panel(), {
    available: false,
    status: 422,
    code: 'MODEL_NOT_FITTED',
    customers: [],
    message: /not fitted/,
  });
  // Orders of 300 customers drawn from the model itself: enough repeat buyers to fit it.
  const orders = simulateOrders({ customers: 300, seed: 11 }).map((order, i) => ({
    type: 'ORDER',
    verb: 'NEW',
    key: `o${i}`,
    event_time: new Date(order.day * 86_400_000).toISOString(),
    customer_id: order.customerId,
    total_amount: `${order.cents / 100n}.${String(order.cents % 100n).padStart(2, '0')} USD`,
  }));
  t.equal((await app.inject({ method: 'POST', url: '/events', payload: orders })).statusCode, 200);
  const top = (await app.inject({ method: 'GET', url: '/customers/top-clv?limit=10' })).json();
  t.same(await panel(), { available: true, status: 200, customers: top }, 'the same customers as the API answers');
});
