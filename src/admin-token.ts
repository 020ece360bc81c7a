// The guard of the routes that change data (POST /refresh, POST /events): with ADMIN_TOKEN set they need
// `Authorization: Bearer <token>`, compared in constant time; without it they stay open (bind to 127.0.0.1).
import { createHash, timingSafeEqual } from 'node:crypto';
import type { onRequestHookHandler } from 'fastify';
import { AppError } from './errors.js';

const digest = (text: string) => createHash('sha256').update(text).digest();

/** The onRequest hooks of a route that changes data: one that refuses a request without the token, or none when no token is configured. */
export function adminGuard(token: string | undefined): onRequestHookHandler[] {
  if (token === undefined) return [];
  const expected = digest(token);
  const guard: onRequestHookHandler = async (request, reply) => {
    const header = request.headers.authorization ?? '';
    const given = /^Bearer (.+)$/i.exec(header)?.[1] ?? '';
    // Hashing both sides gives equal lengths, so the comparison time says nothing about the token.
    if (!timingSafeEqual(digest(given), expected)) {
      void reply.header('www-authenticate', 'Bearer');
      throw new AppError(
        401,
        'UNAUTHORIZED',
        `${request.method} ${request.url.split('?')[0]} needs the header Authorization: Bearer <ADMIN_TOKEN>`,
      );
    }
  };
  return [guard];
}
