// Refreshes with corrupt, missing, check-failing and good inputs while clients call /select-voucher
// without pause, against the real server process: no request fails, every answer comes from exactly
// one run, and a good refresh is served to every request sent after it returned.
import t from 'tap';
import { startLoad } from '../helpers/load.js';
import { request, startServer, STRESS } from '../helpers/server-process.js';
import { writeVoucherParquet } from '../helpers/voucher-parquet.js';
import { fixtureDir } from '../helpers/warehouse.js';
import { SEED_REQUEST } from '../vouchers/fixtures.js';
import { AMOUNT_A, AMOUNT_B, BAD_INPUTS, RUN_A, RUN_B } from '../helpers/voucher-inputs.js';

const CLIENTS = 8;
const ROUNDS = STRESS ? 12 : 1;

t.test('refreshes under load: zero failed requests, no answer mixes two runs', async (t) => {
  const config = await fixtureDir(t, RUN_A);
  const server = await startServer(t, config, { env: { LOG_LEVEL: 'warn' } });
  const first = await request(server.url, 'POST', '/select-voucher', SEED_REQUEST);
  t.equal(first.body.voucher_amount, AMOUNT_A);
  const amountOfRun = new Map<string, number>([[first.body.run_id, AMOUNT_A]]);
  /** The good refreshes in order: when each answered, and its run. */
  const served = [{ answeredAt: 0, runId: first.body.run_id as string }];

  const load = startLoad(server.url, '/select-voucher', SEED_REQUEST, CLIENTS);
  let refused = 0;
  for (let round = 0; round < ROUNDS; round++) {
    for (const bad of BAD_INPUTS) {
      await bad.write(config.DATA_PATH);
      const answer = await request(server.url, 'POST', '/refresh');
      if (answer.status !== bad.status || answer.body.code !== bad.code) {
        t.fail(`${bad.name}: ${answer.status} ${JSON.stringify(answer.body)}`);
      } else refused++;
    }
    const [rows, amount] = round % 2 === 0 ? [RUN_B, AMOUNT_B] : [RUN_A, AMOUNT_A];
    await writeVoucherParquet(config.DATA_PATH, rows);
    const refreshed = await request(server.url, 'POST', '/refresh');
    t.equal(refreshed.status, 200, `round ${round}: the good refresh succeeds`);
    amountOfRun.set(refreshed.body.run_id, amount);
    served.push({ answeredAt: performance.now(), runId: refreshed.body.run_id });
  }
  const answers = await load.stop();

  const failed = answers.filter((answer) => answer.status !== 200);
  t.same(failed.slice(0, 3), [], 'no request failed');
  const mixed = answers.filter(
    (answer) => answer.status === 200 && amountOfRun.get(answer.body.run_id) !== answer.body.voucher_amount,
  );
  t.same(mixed.slice(0, 3), [], 'every answer is the amount of the run it names');
  const order = served.map((run) => run.runId);
  const stale = answers.filter((answer) => {
    const current = served.filter((run) => run.answeredAt < answer.sentAt).length - 1;
    return order.indexOf(answer.body.run_id) < current;
  });
  t.same(stale.slice(0, 3), [], 'a request sent after a good refresh returned is answered by that run or a newer one');
  t.equal(refused, ROUNDS * BAD_INPUTS.length, 'every bad input was refused with its own reason');
  t.ok(answers.length > ROUNDS * 20, `the clients kept being served (${answers.length} requests)`);
  t.comment(
    `${answers.length} requests served by ${CLIENTS} clients during ${ROUNDS * (BAD_INPUTS.length + 1)} refreshes (${ROUNDS} good); ${failed.length} failed`,
  );
});
