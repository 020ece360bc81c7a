// Refreshes with corrupt, missing, check-failing and good inputs while clients call /select-voucher
// without pause, against two real server processes on one warehouse (refreshes go to the first, the
// second follows the file): no request fails, every answer comes from exactly one run, and a good
// refresh is served to every request sent after it returned (by the second, after it has followed).
import t from 'tap';
import { startLoad } from '../helpers/load.js';
import { request, startServer, STRESS } from '../helpers/server-process.js';
import { writeVoucherParquet } from '../helpers/voucher-parquet.js';
import { fixtureDir } from '../helpers/warehouse.js';
import { SEED_REQUEST } from '../vouchers/fixtures.js';
import { AMOUNT_A, AMOUNT_B, BAD_INPUTS, RUN_A, RUN_B } from '../helpers/voucher-inputs.js';

const CLIENTS = 8;
const ROUNDS = STRESS ? 12 : 1;

/** Resolves once the server's /health names the run, with when that was seen (performance.now()). */
async function followed(url: string, runId: string): Promise<number> {
  for (const deadline = Date.now() + 30_000; Date.now() < deadline;) {
    if ((await request(url, 'GET', '/health')).body.run_id === runId) return performance.now();
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`${url} did not follow run ${runId} within 30 s`);
}

t.test('refreshes under load on two servers: zero failed requests, no answer mixes two runs', async (t) => {
  const config = await fixtureDir(t, RUN_A);
  const [server, follower] = await Promise.all([startServer(t, config), startServer(t, config)]);
  const first = await request(server.url, 'POST', '/select-voucher', SEED_REQUEST);
  t.equal(first.body.voucher_amount, AMOUNT_A);
  const amountOfRun = new Map<string, number>([[first.body.run_id, AMOUNT_A]]);
  /** The good refreshes in order: when each answered, when the follower served it, and its run. */
  const served = [
    { answeredAt: 0, followedAt: await followed(follower.url, first.body.run_id), runId: first.body.run_id as string },
  ];

  const load = startLoad(server.url, '/select-voucher', SEED_REQUEST, CLIENTS / 2);
  const followerLoad = startLoad(follower.url, '/select-voucher', SEED_REQUEST, CLIENTS / 2);
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
    const answeredAt = performance.now();
    served.push({
      answeredAt,
      followedAt: await followed(follower.url, refreshed.body.run_id),
      runId: refreshed.body.run_id,
    });
  }
  const ownAnswers = await load.stop();
  const followerAnswers = await followerLoad.stop();
  const answers = [...ownAnswers, ...followerAnswers];

  const failed = answers.filter((answer) => answer.status !== 200);
  t.same(failed.slice(0, 3), [], 'no request failed');
  const mixed = answers.filter(
    (answer) => answer.status === 200 && amountOfRun.get(answer.body.run_id) !== answer.body.voucher_amount,
  );
  t.same(mixed.slice(0, 3), [], 'every answer is the amount of the run it names');
  const order = served.map((run) => run.runId);
  const staleOf = (list: typeof answers, since: 'answeredAt' | 'followedAt') =>
    list.filter((answer) => {
      const current = served.filter((run) => run[since] < answer.sentAt).length - 1;
      return order.indexOf(answer.body.run_id) < current;
    });
  t.same(
    staleOf(ownAnswers, 'answeredAt').slice(0, 3),
    [],
    'a request sent after a good refresh returned is answered by that run or a newer one',
  );
  t.same(
    staleOf(followerAnswers, 'followedAt').slice(0, 3),
    [],
    'and by the other server once it has followed, never an older run again',
  );
  t.equal(refused, ROUNDS * BAD_INPUTS.length, 'every bad input was refused with its own reason');
  t.ok(answers.length > ROUNDS * 20, `the clients kept being served (${answers.length} requests)`);
  t.comment(
    `${answers.length} requests served by ${CLIENTS} clients on two servers during ${ROUNDS * (BAD_INPUTS.length + 1)} refreshes (${ROUNDS} good); ${failed.length} failed; the follower served each good run ${served
      .slice(1)
      .map((run) => `${Math.round(run.followedAt - run.answeredAt)} ms`)
      .join(', ')} after it returned`,
  );
});
