// POST /refresh: reruns the pipeline for operators and answers the run summary, or why it failed
// (the previous answers keep being served). GET /health: what is being served.
import { Type, type TProperties } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onRequestHookHandler } from 'fastify';
import { ErrorBody } from '../errors.js';
import { runSummarySchema } from './run-summary.js';
import type { Refresher } from './refresher.js';

const RefreshRequest = Type.Union([
  Type.Object(
    { country_code: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

const Health = Type.Object({
  status: Type.String(),
  run_id: Type.String({ description: 'the run this server serves' }),
  built_at: Type.String({ description: 'when that run finished (UTC, ISO 8601)' }),
  loaded_at: Type.String({ description: 'when this server started serving it' }),
  warehouse_run_id: Type.Union([Type.String(), Type.Null()], {
    description: 'the run that built the warehouse file now at DB_PATH, as this server last read it',
  }),
  is_latest: Type.Boolean({ description: 'whether the served run is the one in the warehouse file now' }),
  refreshing: Type.Boolean({ description: 'whether this server is running a refresh' }),
  warehouse_error: Type.Optional(
    Type.Object(
      { at: Type.String(), message: Type.String() },
      { description: 'the warehouse file changed but could not be read; the served run is the one before it' },
    ),
  ),
  last_refresh_failure: Type.Optional(
    Type.Object(
      {
        at: Type.String(),
        code: Type.String(),
        message: Type.String(),
        run_id: Type.Optional(Type.String()),
        superseded_by: Type.Optional(Type.String({ description: 'a later refresh that succeeded' })),
        superseded_at: Type.Optional(Type.String()),
      },
      { description: 'the latest failed refresh, by any process' },
    ),
  ),
});

export interface PipelineRouteOptions {
  refresher: Refresher;
  adminOnly: onRequestHookHandler[];
  /** The figures each feature adds to the run summary. */
  figures: TProperties[];
}

export const pipelineRoutes: FastifyPluginAsyncTypebox<PipelineRouteOptions> = async (
  app,
  { refresher, adminOnly, figures },
) => {
  app.post(
    '/refresh',
    {
      onRequest: adminOnly,
      schema: {
        body: Type.Optional(RefreshRequest),
        response: { 200: runSummarySchema(figures), '4xx': ErrorBody, '5xx': ErrorBody },
      },
    },
    async (request) => refresher.refresh({ options: request.body ?? {} }),
  );

  app.get('/health', { schema: { response: { 200: Health, '5xx': ErrorBody } } }, async () => {
    const { run, loadedAt } = refresher.served;
    const warehouse = refresher.warehouse;
    return {
      status: 'ok',
      run_id: run.run_id,
      built_at: run.finished_at,
      loaded_at: loadedAt,
      warehouse_run_id: warehouse.runId ?? null,
      is_latest: warehouse.runId === run.run_id && warehouse.error === undefined,
      refreshing: refresher.running,
      warehouse_error: warehouse.error,
      last_refresh_failure: await refresher.lastFailure(),
    };
  });
};
