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
  run_id: Type.String(),
  built_at: Type.String(),
  refreshing: Type.Boolean(),
  last_refresh_failure: Type.Optional(Type.Object({ at: Type.String(), code: Type.String(), message: Type.String() })),
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
    const { run } = refresher.served;
    return {
      status: 'ok',
      run_id: run.run_id,
      built_at: run.finished_at,
      refreshing: refresher.running,
      last_refresh_failure: refresher.lastFailure,
    };
  });
};
