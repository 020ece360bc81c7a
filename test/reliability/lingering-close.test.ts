// A client still sending when the server refuses its request (headers over 16 KiB, a body over the limit) reads
// the refusal and sees the connection closed cleanly, never reset: the server half-closes and drains what is
// still coming instead of destroying the socket under the answer. The real server process, over loopback.
import { connect } from 'node:net';
import t from 'tap';
import { startServer } from '../helpers/server-process.js';
import { fixtureDir } from '../helpers/warehouse.js';
import { HISTORY } from '../vouchers/fixtures.js';

/** Each case is tried this often: a server that resets fails most tries, so one clean run of all is no fluke. */
const TRIES = 10;

interface Outcome {
  status: number;
  /** The socket error the client saw (EPIPE, ECONNRESET), if any. */
  error: string | undefined;
  /** Whether the server closed its side with a FIN ('end') rather than a reset. */
  closedCleanly: boolean;
}

/**
 * Writes `head`, then `piece` after `piece` until the whole answer has arrived, then one more piece (a client's
 * write already on its way when the answer came), then ends its side and waits for the connection to close.
 */
function keepSending(url: string, head: string, piece: string): Promise<Outcome> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let received = '';
    let answered = false;
    let error: string | undefined;
    let closedCleanly = false;
    socket.on('error', (problem: NodeJS.ErrnoException) => (error = problem.code ?? problem.message));
    socket.on('end', () => (closedCleanly = true));
    socket.on('close', () =>
      resolve({
        status: answered ? Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1]) : 0,
        error,
        closedCleanly,
      }),
    );
    const pump = () => {
      while (!answered && !socket.destroyed) {
        if (!socket.write(piece)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const headEnd = received.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(received)?.[1]);
      if (!answered && headEnd >= 0 && received.length >= headEnd + 4 + length) {
        answered = true;
        socket.write(piece, () => socket.end());
      }
    });
    socket.write(head, pump);
  });
}

t.test('a client still sending gets its 431 or 413 and a clean close, not a reset', async (t) => {
  const server = await startServer(t, await fixtureDir(t, HISTORY));
  const cases = [
    {
      name: 'headers over 16 KiB, still coming',
      status: 431,
      head: `GET /health HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n`,
      piece: `X-More: ${'b'.repeat(4_000)}\r\n`,
    },
    {
      name: 'a chunked body over 1 MiB, still coming',
      status: 413,
      head: 'POST /select-voucher HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n10000000\r\n',
      piece: ' '.repeat(4_096),
    },
    {
      name: 'a declared body over 1 MiB, sent anyway',
      status: 413,
      head: `POST /select-voucher HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${64 * 1024 * 1024}\r\n\r\n`,
      piece: ' '.repeat(4_096),
    },
  ];
  for (const { name, status, head, piece } of cases) {
    const outcomes: Outcome[] = [];
    for (let index = 0; index < TRIES; index++) outcomes.push(await keepSending(server.url, head, piece));
    t.same(
      outcomes.filter((outcome) => outcome.status !== status || outcome.error || !outcome.closedCleanly),
      [],
      `${name}: ${TRIES} of ${TRIES} read ${status} and then the server's FIN, with no EPIPE or ECONNRESET`,
    );
  }
  t.equal((await fetch(`${server.url}/health`)).status, 200, 'and the server still answers');
});
