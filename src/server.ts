// Entry point of the service: builds the app, listens on HOST:PORT and shuts down gracefully on
// SIGTERM/SIGINT: new connections are refused at once, requests in flight finish, and the process
// exits 0, within 10 s in all (a request still running at 9 s is cut off with exit code 1).
// Only entry points exit.
import type { FastifyInstance } from 'fastify';
import { loadConfig } from './config.js';
import { buildApp } from './app.js';

const SHUTDOWN_GRACE_MS = 9_000;

async function main(): Promise<void> {
  const config = loadConfig();
  // Assigned once, after start-up: a signal that arrives before reads it as undefined.
  // eslint-disable-next-line prefer-const
  let app: FastifyInstance | undefined;
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    // Still starting (building the first warehouse): nothing is served yet, and the pipeline worker
    // abandons its build when this process goes.
    if (!app) process.exit(0);
    app.log.info({ signal }, 'shutting down: refusing new connections, finishing requests in flight');
    setTimeout(() => {
      app?.log.error('requests still running after the grace period; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS).unref();
    // A connection whose request finished after the signal is idle now: close it rather than wait for the
    // client's keep-alive to time out (Fastify closes only the connections idle at the signal).
    setInterval(() => app?.server.closeIdleConnections(), 50).unref();
    app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        app?.log.error({ err: error }, 'error while shutting down');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  app = await buildApp(config);
  await app.listen({ host: config.HOST, port: config.PORT });
}

main().catch((error: unknown) => {
  console.error(`cannot start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
