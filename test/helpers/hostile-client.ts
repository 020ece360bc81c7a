// Sends generated hostile requests to a server over loopback and tallies what comes back. Never throws on
// a bad answer or a dropped connection: those are answers (status 0) for the test to judge.
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import type { HostileRequest } from './hostile-bodies.js';

export interface Answer {
  /** 0 when no answer came. */
  status: number;
  text: string;
}

const ANSWER_WITHIN_MS = 60_000;

/** Sends one generated request: with fetch, or with node:http when it asks to be sent raw. */
export async function send(url: string, hostile: HostileRequest): Promise<Answer> {
  if (hostile.raw) return sendRaw(url, hostile);
  try {
    const body = hostile.body === undefined ? undefined : Buffer.from(hostile.body);
    const response = await fetch(`${url}${hostile.path}`, {
      method: hostile.method,
      headers: hostile.headers,
      body,
      signal: AbortSignal.timeout(ANSWER_WITHIN_MS),
    });
    return { status: response.status, text: await response.text() };
  } catch (error) {
    return { status: 0, text: String((error as Error).cause ?? error) };
  }
}

/** node:http sends what fetch normalizes or refuses: paths as they are, any method, a GET with a body. */
function sendRaw(url: string, hostile: HostileRequest): Promise<Answer> {
  const { hostname, port } = new URL(url);
  const body = hostile.body === undefined ? undefined : Buffer.from(hostile.body);
  return new Promise((resolve) => {
    const headers = { ...hostile.headers, ...(body ? { 'content-length': String(body.length) } : {}) };
    const outgoing = httpRequest(
      { host: hostname, port, method: hostile.method, path: hostile.path, headers, timeout: ANSWER_WITHIN_MS },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
        response.on('error', (error) => resolve({ status: 0, text: error.message }));
      },
    );
    outgoing.on('timeout', () => outgoing.destroy(new Error(`no answer within ${ANSWER_WITHIN_MS} ms`)));
    outgoing.on('error', (error) => resolve({ status: 0, text: error.message }));
    outgoing.end(body);
  });
}

/**
 * Writes `head` to a socket as it is, waits `patienceMs` for an early answer, then writes `bodyBytes` blanks
 * until an answer arrives (a server may answer 413 before the body is all sent, and then close).
 */
export function sendOnSocket(url: string, head: string, bodyBytes = 0, patienceMs = 0): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    let received = '';
    let sent = 0;
    const socket = connect(Number(port), hostname);
    const finish = () => {
      const status = Number(/^HTTP\/1\.1 (\d{3})/.exec(received)?.[1] ?? 0);
      resolve({
        status,
        text: status ? received.slice(received.indexOf('\r\n\r\n') + 4) : `no answer: ${received.slice(0, 200)}`,
      });
      socket.destroy();
    };
    const blanks = Buffer.alloc(64 * 1024, ' ');
    const pump = () => {
      while (received === '' && sent < bodyBytes && !socket.destroyed) {
        const piece = blanks.subarray(0, Math.min(blanks.length, bodyBytes - sent));
        sent += piece.length;
        if (!socket.write(piece)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    socket.setTimeout(ANSWER_WITHIN_MS, finish);
    socket.on('data', (chunk: Buffer) => {
      received += chunk.toString('latin1');
      const headEnd = received.indexOf('\r\n\r\n');
      const length = Number(/\r\ncontent-length: (\d+)/i.exec(received)?.[1]);
      if (headEnd >= 0 && received.length >= headEnd + 4 + length) finish();
    });
    socket.on('close', finish);
    socket.on('error', () => undefined);
    socket.write(Buffer.from(head, 'latin1'), () => setTimeout(pump, patienceMs));
  });
}

/** Text for a failure message: JSON-quoted, every character outside printable ASCII escaped (a TAP stream breaks on U+2028). */
export function printable(text: string, length = 300): string {
  return JSON.stringify(text.slice(0, length)).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

export interface Failure {
  request: string;
  answer: string;
}

function hasErrorShape({ status, text }: Answer): boolean {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    return (
      body.statusCode === status &&
      typeof body.code === 'string' &&
      typeof body.error === 'string' &&
      typeof body.message === 'string'
    );
  } catch {
    return false;
  }
}

/** What came back, per endpoint; each failure keeps what was sent, with the seed and its number in the stream. */
export class Tally {
  readonly statuses = new Map<string, Map<number, number>>();
  readonly milliseconds = new Map<string, number>();
  /** A 5xx, or no answer at all. */
  readonly serverErrors: Failure[] = [];
  /** An error answer that is not { statusCode, code, error, message }. */
  readonly misshapen: Failure[] = [];
  total = 0;

  constructor(readonly seed: number) {}

  record(endpoint: string, index: number, hostile: HostileRequest, answer: Answer): void {
    this.total++;
    const counts = this.statuses.get(endpoint) ?? new Map<number, number>();
    counts.set(answer.status, (counts.get(answer.status) ?? 0) + 1);
    this.statuses.set(endpoint, counts);
    const isServerError = answer.status === 0 || answer.status >= 500;
    const isMisshapen = !isServerError && answer.status >= 400 && hostile.method !== 'HEAD' && !hasErrorShape(answer);
    if (!isServerError && !isMisshapen) return;
    const sent = hostile.body === undefined ? '' : `, body ${printable(Buffer.from(hostile.body).toString())}`;
    const failure = {
      request: `seed ${this.seed}, ${endpoint} #${index} (${printable(hostile.label, 200)}): ${hostile.method} ${printable(hostile.path, 200)}${sent}`,
      answer: `${answer.status} ${printable(answer.text)}`,
    };
    (isServerError ? this.serverErrors : this.misshapen).push(failure);
  }

  /** One line per endpoint: requests, statuses seen, time taken. */
  summary(): string {
    return [...this.statuses]
      .map(([endpoint, counts]) => {
        const sum = [...counts.values()].reduce((a, b) => a + b, 0);
        const byStatus = [...counts]
          .sort(([a], [b]) => a - b)
          .map(([status, count]) => `${status || 'no answer'} x${count}`);
        const seconds = ((this.milliseconds.get(endpoint) ?? 0) / 1000).toFixed(1);
        return `${endpoint}: ${sum} requests in ${seconds} s; ${byStatus.join(', ')}`;
      })
      .join('\n');
  }
}

export interface Stream {
  endpoint: string;
  requests: Generator<HostileRequest>;
  /** How many have been sent so far: the number of the next one. */
  sent: number;
}

/** Sends the next `count` requests of a stream, `inFlight` at a time, each numbered by its place in the stream. */
export async function fuzz(url: string, stream: Stream, count: number, tally: Tally, inFlight: number): Promise<void> {
  const started = performance.now();
  const end = stream.sent + count;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (stream.sent < end) {
        const index = stream.sent++;
        const hostile = stream.requests.next().value!;
        tally.record(stream.endpoint, index, hostile, await send(url, hostile));
      }
    }),
  );
  tally.milliseconds.set(stream.endpoint, (tally.milliseconds.get(stream.endpoint) ?? 0) + performance.now() - started);
}
