// `npm run ltv -- model` as an operator runs it (the built CLI): on the CDNOW sample turned into ORDER events, the
// whole pipeline reproduces the published BG/NBD and Gamma-Gamma fits and the BTYD holdout forecast; a readable report
// without --json; clear refusals of bad options and of data that cannot be fitted.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import t from 'tap';
import { folderOf } from '../helpers/warehouse.js';
import { simulatedOrderEvents } from '../../src/clv/simulate.js';
import { ndjsonFile } from './fixtures.js';

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['dist/cli.js', ...args], {
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'silent', EVENTS_PATH: 'no-such-store' },
  });

const relative = (actual: number, expected: number) => Math.abs(actual - expected) / Math.abs(expected);

/** data/cdnow/README.md's published fits. */
const PUBLISHED = {
  bgnbd: { r: 0.2426, alpha: 4.4135, a: 0.7929, b: 2.4258, log_likelihood: -9582.4 },
  gamma_gamma: { p: 6.25, q: 3.74, v: 15.44 },
};
/** The BTYD vignette's holdout forecast, 1997-10-01 to 1998-06-30 (test/clv/cdnow.test.ts sums it from its bins). */
const BTYD_HOLDOUT_FORECAST = 1653.39;

t.test('CDNOW through the whole pipeline: the published fits and the holdout forecast', async (t) => {
  const file = join(folderOf(t), 'cdnow.ndjson');
  const generated = cli(['generate-sample', 'cdnow', '--out', file]);
  t.equal(generated.status, 0, generated.stderr);
  t.match(generated.stdout, /wrote 6919 events of 2357 customers/);
  const run = cli([
    'ltv',
    'model',
    '--events',
    file,
    '--calibration-end',
    '1997-09-30',
    '--holdout-end',
    '1998-06-30',
    '--json',
  ]);
  t.equal(run.status, 0, run.stderr);
  t.equal(run.stderr, '');
  const model = JSON.parse(run.stdout);
  t.same(Object.keys(model), ['calibration_end', 'customers', 'bgnbd', 'gamma_gamma', 'holdout'], 'JSON alone');
  t.match(model, {
    calibration_end: '1997-09-30',
    customers: 2357,
    gamma_gamma: { customers: 946 },
    holdout: { end: '1998-06-30', weeks: 39, actual_repeat_purchases: 1882 },
  });
  for (const name of ['r', 'alpha', 'a', 'b'] as const) {
    const [got, published] = [model.bgnbd[name], PUBLISHED.bgnbd[name]];
    t.ok(relative(got, published) < 0.005, `BG/NBD ${name} = ${got}, published ${published}`);
  }
  t.ok(
    Math.abs(model.bgnbd.log_likelihood - PUBLISHED.bgnbd.log_likelihood) < 0.1,
    `log-likelihood ${model.bgnbd.log_likelihood}, published -9582.4`,
  );
  for (const name of ['p', 'q', 'v'] as const) {
    const [got, published] = [model.gamma_gamma[name], PUBLISHED.gamma_gamma[name]];
    t.ok(relative(got, published) < 0.01, `Gamma-Gamma ${name} = ${got}, published ${published}`);
  }
  const predicted = model.holdout.predicted_repeat_purchases;
  t.ok(relative(predicted, BTYD_HOLDOUT_FORECAST) < 0.01, `holdout forecast ${predicted}, BTYD 1653.39`);
});

t.test('without --json: a readable report; data the models cannot fit: exit 1 and why', async (t) => {
  const file = await ndjsonFile(t, simulatedOrderEvents({ customers: 300, seed: 5 }));
  const report = cli([
    'ltv',
    'model',
    '--events',
    file,
    '--calibration-end',
    '1997-08-01',
    '--holdout-end',
    '1997-09-30',
  ]);
  t.equal(report.status, 0, report.stderr);
  t.match(report.stdout, /^\d+ customers with an order up to 1997-08-01 \(the calibration end; data to 1997-09-30\)/);
  t.match(report.stdout, /\nBG\/NBD: +r = [\d.]+ +alpha = [\d.]+ +a = [\d.]+ +b = [\d.]+ +log-likelihood = -[\d.]+/);
  t.match(report.stdout, /\nGamma-Gamma: +p = [\d.]+ +q = [\d.]+ +v = [\d.]+/);
  t.match(report.stdout, /\nholdout 1997-08-02 to 1997-09-30 \(8.57 weeks\): \d+ repeat purchases, [\d.]+ predicted/);
  t.match(
    report.stdout,
    /top 10 by expected value over the next 52 weeks \(as of 1997-08-01; USD\):\ncustomer_id +last_name/,
  );

  const later = cli(['ltv', 'model', '--events', file, '--calibration-end', '1998-01-01']);
  t.equal(later.status, 1);
  t.equal(later.stdout, '');
  t.match(later.stderr, /CALIBRATION_END_AFTER_DATA.*1998-01-01 is after the data's last day 1997-09-30/);

  const few = await ndjsonFile(t, simulatedOrderEvents({ customers: 8, seed: 5 }), 'few.ndjson');
  const unfit = cli(['ltv', 'model', '--events', few, '--json']);
  t.equal(unfit.status, 1);
  t.equal(unfit.stdout, '', 'no JSON for a model that is not fitted');
  t.match(unfit.stderr, /^error: the customer value model cannot be fitted \(TOO_FEW_CUSTOMERS\): BG\/NBD: .*got 8/);
});

t.test('options that cannot be run are refused before anything is read', async (t) => {
  const refusals: [string[], RegExp][] = [
    [['--calibration-end', '1997-02-30'], /--calibration-end must be a date YYYY-MM-DD that exists, not "1997-02-30"/],
    [['--holdout-end', '1998-06-30'], /--holdout-end needs --calibration-end/],
    [['--calibration-end', '1997-09-30', '--holdout-end', '1997-09-30'], /--holdout-end 1997-09-30 must be after/],
    [['10'], /ltv model takes options only, not 10/],
  ];
  for (const [args, message] of refusals) {
    const run = cli(['ltv', 'model', ...args]);
    t.equal(run.status, 1, args.join(' '));
    t.match(run.stderr, message);
    t.match(run.stderr, /usage:/);
  }
  t.match(cli(['ltv', 'top', '3', '--calibration-end', '1997-09-30']).stderr, /options of ltv model, not of ltv top/);
});
