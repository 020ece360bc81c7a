// Errors that carry an HTTP status and a stable code, and the handlers that turn any error into
// { statusCode, code, error, message }: errorHandler for requests that reach a route, clientErrorHandler
// for those Node's HTTP parser refuses. A 5xx never shows its internals to a client unless it says it may;
// the log has a stack trace only for the errors nobody expected (not an AppError).
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Type, type Static } from '@sinclair/typebox';
import type { ConnectionError, FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { closeGently, lingerAfterAnswer } from './lingering-close.js';

/** A command line that cannot be run as typed: cli.ts prints it with the usage text. */
export class UsageError extends Error {}

export class AppError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
    /** Whether a 5xx message may reach the client (operator-facing failures such as a failed refresh). */
    readonly expose = statusCode < 500,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'AppError';
  }
}

const loggedErrors = new WeakSet<Error>();

/**
 * Marks an error that its thrower has already logged, with what only the thrower knows (a failed refresh:
 * its code, reason and inputs): the error handler then answers it without logging it a second time.
 */
export function alreadyLogged<E extends Error>(error: E): E {
  loggedErrors.add(error);
  return error;
}

/** The body of every error response; routes declare it for their 4xx and 5xx answers. */
export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  code: Type.String(),
  error: Type.String(),
  message: Type.String(),
});

export type ErrorBody = Static<typeof ErrorBody>;

/** Fastify's own error codes are kept (FST_ERR_CTP_BODY_TOO_LARGE, ...); schema failures get one code of ours. */
function describe(error: Partial<FastifyError> & Error): ErrorBody {
  const raw = error.statusCode ?? 500;
  const statusCode = raw >= 400 && raw < 600 ? raw : 500;
  const exposed = error instanceof AppError ? error.expose : statusCode < 500;
  const code = error.validation
    ? 'INVALID_REQUEST'
    : (error.code ?? (statusCode < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR'));
  return {
    statusCode,
    code,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message: exposed ? error.message : 'internal error, see the server log',
  };
}

/** The body formats a route reads, as a client would send them. */
const BODY_FORMATS: [string, string][] = [
  ['application/json', 'JSON'],
  ['application/x-ndjson', 'NDJSON (one JSON value per line)'],
];

/** Why a body's content type is refused, and what the route reads instead. */
function unsupportedMediaType(request: FastifyRequest): string {
  const sent = request.headers['content-type'];
  const readable = BODY_FORMATS.filter(([type]) => request.server.hasContentTypeParser(type)).map(
    ([type, format]) => `${format} with Content-Type: ${type}`,
  );
  const problem =
    sent === undefined ? 'the body has no Content-Type' : `Content-Type ${JSON.stringify(sent)} is not read`;
  return readable.length > 0 ? `${problem}: send ${readable.join(', or ')}` : `${problem} by this route`;
}

/** One log line for an error answer: why a request was refused, or why it failed (a stack only when unexpected). */
function logAnswer(error: Error, body: ErrorBody, request: FastifyRequest): void {
  // Logged where it was thrown, with its context.
  if (loggedErrors.has(error)) return;
  if (body.statusCode < 500) {
    request.log.info({ code: body.code, reason: body.message }, 'request rejected');
  } else if (error instanceof AppError) {
    // A failure the code expects and names (a worker that died, a full disk): its code and message say it all.
    request.log.error(
      { code: body.code, reason: error.message, url: request.url, method: request.method },
      'request failed',
    );
  } else {
    request.log.error({ err: error, url: request.url, method: request.method }, 'request failed');
  }
}

export function errorHandler(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): void {
  const body = describe(error);
  if (body.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') body.message = unsupportedMediaType(request);
  logAnswer(error, body, request);
  // Answered before the request was read to its end (a body over the limit): the client may still be sending.
  if (!request.raw.complete) lingerAfterAnswer(request.raw.socket);
  void reply.status(body.statusCode).send(body);
}

/**
 * Requests Node's HTTP parser refuses before any route sees them (not HTTP, headers over 16 KiB, too slow to
 * arrive) get the same error body, with Node's code, and `Connection: close`: the socket is closed after it,
 * and a client that is not told so sends its next request into the closed socket. (Fastify's own answer has
 * no code and no Connection header.) The answer to a HEAD has no body, or the client cannot read it; the
 * method is only known when the refused bytes start with it (Node's own answer never has a body).
 * The socket is closed gently: a client still writing its headers would otherwise get a reset, not the answer.
 * Node's parser calls this again for every chunk that arrives while the socket drains; those are ignored.
 */
export function clientErrorHandler(error: ConnectionError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || !socket.writable) return;
  const statusCode = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const reason =
    statusCode === 431
      ? 'the request line and headers are over 16 KiB'
      : statusCode === 408
        ? 'the request did not arrive in time'
        : `the request is not valid HTTP (${error.message})`;
  const isHead = (error.rawPacket as unknown as Buffer | undefined)?.subarray(0, 5).toString('latin1') === 'HEAD ';
  const body = isHead
    ? ''
    : JSON.stringify({
        statusCode,
        code: error.code ?? 'BAD_HTTP_REQUEST',
        error: STATUS_CODES[statusCode],
        message: reason,
      });
  socket.write(
    `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  closeGently(socket);
}
