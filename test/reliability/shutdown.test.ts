// SIGTERM, as a process manager stops the service: the requests in flight finish, new connections are
// refused at once, and the process exits 0 within 10 s.
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import t from 'tap';
import { lockPathFor } from '../../src/warehouse/file-lock.js';
import { request, startServer } from '../helpers/server-process.js';
import { fixtureDir } from '../helpers/warehouse.js';
import { customer } from '../ltv/fixtures.js';
import { RUN_A } from '../helpers/voucher-inputs.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * POSTs `body` as JSON with `Expect: 100-continue`: `arrived` resolves when the server has the request (Node
 * answers 100 Continue as it hands the request to the app), and only then is the body sent; `answer` resolves
 * with the final answer. So a test knows a request is in flight, rather than guess it from a delay.
 */
function postInFlight(url: string, path: string, body: unknown) {
  const { hostname, port } = new URL(url);
  const text = JSON.stringify(body);
  const outgoing = httpRequest({
    host: hostname,
    port,
    method: 'POST',
    path,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), expect: '100-continue' },
  });
  const arrived = once(outgoing, 'continue').then(() => outgoing.end(text));
  const answer = new Promise<{ status: number; body: any }>((resolve, reject) => {
    outgoing.on('response', (response) => {
      let received = '';
      response.on('data', (chunk: Buffer) => (received += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode!, body: JSON.parse(received) }));
    });
    outgoing.on('error', reject);
  });
  outgoing.flushHeaders();
  return { arrived, answer };
}

/** Resolves with the error code of a new TCP connection to the server ('connected' if it was accepted). */
function tryConnect(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

t.test(
  'SIGTERM: a refresh and an ingest in flight finish, new connections are refused, exit 0 within 10 s',
  async (t) => {
    const config = await fixtureDir(t, RUN_A);
    const server = await startServer(t, config);
    const events = Array.from({ length: 20_000 }, (_, n) => customer(`shutdown-${n}`, '2017-01-02T10:00:00Z'));
    const refreshing = request(server.url, 'POST', '/refresh');
    while (!existsSync(lockPathFor(config.DB_PATH))) await sleep(5);
    const { arrived, answer: ingesting } = postInFlight(server.url, '/events', events);
    await arrived;

    const signalled = performance.now();
    server.child.kill('SIGTERM');
    let refreshDone = false;
    void refreshing.then(() => (refreshDone = true));
    let connection = await tryConnect(server.url);
    while (connection === 'connected' && !refreshDone) connection = await sleep(10).then(() => tryConnect(server.url));
    t.equal(connection, 'ECONNREFUSED', 'new connections are refused');
    t.notOk(refreshDone, 'from before the refresh in flight has finished');
    const refreshed = await refreshing;
    t.equal(refreshed.status, 200, 'the refresh in flight finished');
    const ingested = await ingesting;
    t.equal(ingested.status, 200, 'the ingest in flight finished');
    t.equal(ingested.body.accepted, events.length);
    const [code] = await server.exited;
    const tookMs = performance.now() - signalled;
    t.equal(code, 0, 'exit code 0');
    t.ok(tookMs < 10_000, `exited ${tookMs.toFixed(0)} ms after SIGTERM`);

    const restarted = await startServer(t, config);
    t.equal(
      (await request(restarted.url, 'GET', '/health')).body.run_id,
      refreshed.body.run_id,
      'the finished refresh is served after a restart',
    );
    t.match(
      (await request(restarted.url, 'POST', '/events', events)).body,
      { accepted: 0, duplicates: events.length },
      'the finished ingest was kept',
    );
  },
);

t.test('SIGTERM while idle exits 0 at once', async (t) => {
  const config = await fixtureDir(t, RUN_A);
  const server = await startServer(t, config);
  await request(server.url, 'GET', '/health');
  const signalled = performance.now();
  server.child.kill('SIGTERM');
  const [code] = await server.exited;
  t.equal(code, 0);
  t.ok(performance.now() - signalled < 2_000, 'no waiting when nothing is in flight');
});
