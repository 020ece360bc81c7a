// Builds the Fastify app: routes, schemas, error handling, the served warehouse run and the event store, the
// dashboard, the API reference and the metrics.
// It never listens and never exits the process: server.ts does that, and tests use app.inject().
import Fastify, { type FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { adminGuard } from './admin-token.js';
import { clvRoutes } from './clv/routes.js';
import type { Config } from './config.js';
import { dashboardRoutes } from './dashboard/routes.js';
import { AppError, clientErrorHandler, errorHandler } from './errors.js';
import { ltvRoutes } from './ltv/routes.js';
import { StoreClient } from './ltv/store/store-client.js';
import { registerMetrics } from './metrics.js';
import { registerOpenApi } from './openapi.js';
import type { Loaded } from './pipeline/refresh.js';
import { Refresher } from './pipeline/refresher.js';
import { pipelineRoutes } from './pipeline/routes.js';
import { RouteMethods } from './route-methods.js';
import { isoTime, OneLinePerRequest } from './request-log.js';
import { refresherOptions, RUN_FIGURES } from './served-features.js';
import { schemaErrorFormatter } from './validation-messages.js';
import type { VoucherSnapshot } from './vouchers/snapshot.js';
import { voucherRoutes } from './vouchers/routes.js';

const BODY_LIMIT = 1024 * 1024;

export interface AppOptions {
  /** Where "now" comes from; tests pin it. */
  clock?: () => Date;
  /** A run already loaded (tests that share one warehouse): served at once, without a worker. */
  loaded?: Loaded;
}

export async function buildApp(config: Config, options: AppOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    logger: { level: config.LOG_LEVEL, timestamp: isoTime },
    logController: new OneLinePerRequest(),
    bodyLimit: BODY_LIMIT,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    return503OnClosing: true,
    clientErrorHandler,
    // A field of the wrong type is an error, not something to coerce ("15" is not 15 orders), and a
    // schema that forbids extra fields rejects them instead of silently dropping them. `verbose` hands the
    // error formatter the schema and the value of each failure, so its message can name every missing field.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, verbose: true } },
    schemaErrorFormatter,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(errorHandler);
  const routeMethods = new RouteMethods(app);
  app.setNotFoundHandler((request, reply) => {
    const allowed = routeMethods.allowed(request.url);
    // A route that takes this method but found nothing (a file its folder does not hold) is a 404.
    if (allowed.length > 0 && !allowed.includes(request.method)) {
      void reply.header('allow', allowed.join(', '));
      throw new AppError(
        405,
        'METHOD_NOT_ALLOWED',
        `${request.method} is not allowed on ${request.url.split('?')[0]}: use ${allowed.join(' or ')}`,
      );
    }
    throw new AppError(404, 'NOT_FOUND', `no route ${request.method} ${request.url}`);
  });

  // The store worker restores the lifetime values while the warehouse is read.
  const store = new StoreClient(config, app.log);
  store.start();
  app.addHook('onClose', async () => store.close());
  const refresher = new Refresher(refresherOptions(config, app.log));
  if (options.loaded) refresher.serve(options.loaded);
  else await refresher.start();
  refresher.follow();
  app.addHook('onClose', async () => refresher.stop());
  // Before the routes: the OpenAPI document and the request metrics see every route registered after them.
  await registerOpenApi(app);
  const metrics = registerMetrics(app, refresher);
  await app.register(voucherRoutes, {
    snapshot: () => refresher.part<VoucherSnapshot>('vouchers'),
    clock: options.clock ?? (() => new Date()),
  });
  const adminOnly = adminGuard(config.ADMIN_TOKEN);
  await app.register(pipelineRoutes, { refresher, adminOnly, figures: RUN_FIGURES });
  await app.register(ltvRoutes, { store, adminOnly, onIngest: metrics.ingested });
  await app.register(clvRoutes, { store });
  await app.register(dashboardRoutes, { refresher, figures: RUN_FIGURES });
  return app;
}
