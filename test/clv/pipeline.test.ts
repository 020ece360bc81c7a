// The customer value model in the warehouse: a refresh fits it and writes clv_model and customer_clv (with the as-of
// date and the log-likelihood) and its figures; data it cannot fit is recorded there with the reason, and the refresh,
// vouchers included, still succeeds.
import t, { type Test } from 'tap';
import { simulatedOrderEvents } from '../../src/clv/simulate.js';
import { ingest } from '../../src/ltv/ingest.js';
import { EventStore } from '../../src/ltv/store/event-store.js';
import { readWarehouse, refresherFor, fixtureDir } from '../helpers/warehouse.js';
import { HISTORY } from '../vouchers/fixtures.js';

/** A warehouse refreshed over the voucher fixture and a store holding `events`; its run summary. */
async function refreshWithEvents(t: Test, events: Record<string, unknown>[]) {
  const config = await fixtureDir(t, HISTORY);
  const store = await EventStore.open(config.EVENTS_PATH, config.SQL_DIR);
  if (events.length > 0) {
    await ingest(
      store,
      events.map((value, index) => ({ index, value })),
    );
  }
  const summary: Record<string, unknown> = await refresherFor(config).refresh();
  return { config, summary };
}

t.test('a refresh fits the model and keeps it, with every customer, in the warehouse', async (t) => {
  const events = simulatedOrderEvents({ customers: 400, seed: 11 });
  events.push({ type: 'SITE_VISIT', verb: 'NEW', key: 'p1', event_time: '1997-10-02T08:00:00Z', customer_id: 'c1' });
  const { config, summary } = await refreshWithEvents(t, events);
  const [model] = await readWarehouse<Record<string, unknown>>(
    config.DB_PATH,
    `select * replace (as_of_date::varchar as as_of_date, calibration_end_date::varchar as calibration_end_date)
     from clv_model`,
  );
  t.match(model, {
    run_id: summary.run_id,
    as_of_date: '1997-10-02',
    calibration_end_date: '1997-10-02',
    horizon_weeks: 52,
    status: 'fitted',
    reason_code: null,
    reason: null,
    customers: 400,
    bgnbd_converged: true,
    gamma_gamma_converged: true,
    holdout_end_date: null,
    holdout_predicted_repeat_purchases: null,
  });
  for (const name of [
    'bgnbd_r',
    'bgnbd_alpha',
    'bgnbd_a',
    'bgnbd_b',
    'gamma_gamma_p',
    'gamma_gamma_q',
    'gamma_gamma_v',
  ]) {
    t.ok((model![name] as number) > 0, `${name} = ${model![name]}`);
  }
  t.match(summary, {
    status: 'succeeded',
    clv_customers: 400,
    clv_status: 'fitted',
    clv_reason: null,
    clv_log_likelihood: model!.bgnbd_log_likelihood,
  });
  const customers = await readWarehouse<Record<string, number | string | null>>(
    config.DB_PATH,
    'select * replace (as_of_date::varchar as as_of_date) from customer_clv',
  );
  t.equal(customers.length, 400);
  t.match(customers[0], { as_of_date: '1997-10-02', horizon_weeks: 52 });
  t.ok(
    customers.every(
      (row, i) =>
        row.expected_value === (row.expected_purchases as number) * (row.expected_spend as number) &&
        (i === 0 || (customers[i - 1]!.expected_value as number) >= (row.expected_value as number)),
    ),
    'expected purchases times spend, highest first',
  );
  const [run] = await readWarehouse(
    config.DB_PATH,
    `select clv_customers, clv_status, clv_log_likelihood from pipeline_runs where run_id = '${summary.run_id}'`,
  );
  t.same(run, { clv_customers: 400, clv_status: 'fitted', clv_log_likelihood: model!.bgnbd_log_likelihood });
});

t.test('data the model cannot fit is recorded with its reason, and the refresh still succeeds', async (t) => {
  const events = simulatedOrderEvents({ customers: 6, seed: 2 });
  const { config, summary } = await refreshWithEvents(t, events);
  t.match(summary, { status: 'succeeded', rows_kept: HISTORY.length, clv_status: 'not_fitted', clv_customers: 6 });
  t.match(summary.clv_reason, /BG\/NBD: the BG\/NBD model needs at least 10 customers .*got 6/);
  const [model] = await readWarehouse(config.DB_PATH, 'select status, reason_code, bgnbd_r, customers from clv_model');
  t.same(model, { status: 'not_fitted', reason_code: 'TOO_FEW_CUSTOMERS', bgnbd_r: null, customers: 6 });
  const values = await readWarehouse(config.DB_PATH, 'select p_alive, expected_value from customer_clv');
  t.equal(values.length, 6, 'every customer and its summary, with no value rather than a made-up one');
  t.ok(values.every((row) => row.p_alive === null && row.expected_value === null));
  t.ok((await readWarehouse(config.DB_PATH, 'select * from segment_vouchers')).length > 0, 'the vouchers refreshed');
});

t.test('without any order: no customer to value, said so', async (t) => {
  const none = await refreshWithEvents(t, []);
  t.match(none.summary, { status: 'succeeded', clv_status: 'not_fitted', clv_customers: 0, clv_log_likelihood: null });
  t.match(none.summary.clv_reason, /no customer has an order/);
});
