// Errors that carry an HTTP status and a stable code, and the one handler that turns any error into
// { statusCode, code, error, message }. A 5xx never shows its internals to a client unless it says it may.
import { STATUS_CODES } from 'node:http';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';

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
  const code = error.validation ? 'INVALID_REQUEST' : (error.code ?? (statusCode < 500 ? 'BAD_REQUEST' : 'INTERNAL_ERROR'));
  return {
    statusCode,
    code,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message: exposed ? error.message : 'internal error, see the server log',
  };
}

export function errorHandler(error: FastifyError | AppError, request: FastifyRequest, reply: FastifyReply): void {
  const body = describe(error);
  if (body.statusCode >= 500) request.log.error({ err: error, url: request.url, method: request.method }, 'request failed');
  else request.log.info({ code: body.code, reason: body.message }, 'request rejected');
  void reply.status(body.statusCode).send(body);
}
