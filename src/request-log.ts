// How the server logs its requests: one line per request, written when it is answered, with the request, the
// status and the time taken (Fastify writes two: when a request arrives and when it is answered); ISO 8601
// times, which pino-pretty shows as they are (npm run start:pretty). Never decides an answer.
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import { stdTimeFunctions } from 'pino';

/** pino's time field as an ISO 8601 UTC time rather than milliseconds since 1970. */
export const isoTime = stdTimeFunctions.isoTime;

export class OneLinePerRequest extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const fields = { req: request, res: reply, responseTime: reply.elapsedTime };
    if (error) reply.log.error({ ...fields, err: error }, 'request errored');
    else reply.log.info(fields, 'request completed');
  }
}
