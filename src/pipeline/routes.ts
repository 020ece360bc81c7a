// POST /refresh: reruns the pipeline for operators and answers the run summary, or why it failed
// (the previous answers keep being served). GET /health: what is being served.
import { Type, type TProperties } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onRequestHookHandler } from 'fastify';
import { errorResponses, TAGS } from '../openapi.js';
import { runSummarySchema } from './run-summary.js';
import type { Refresher } from './refresher.js';

const RefreshRequest = Type.Union([
  Type.Object(
    { country_code: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })) },
    { additionalProperties: false },
  ),
  Type.Null(),
]);

/** The latest failed refresh by any process, and the success that superseded it (in /health and the dashboard). */
export const RefreshFailureSchema = Type.Object({
  at: Type.String(),
  code: Type.String(),
  message: Type.String(),
  run_id: Type.Optional(Type.String()),
  superseded_by: Type.Optional(Type.String({ description: 'a later refresh that succeeded' })),
  superseded_at: Type.Optional(Type.String()),
});

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
    Type.Object(RefreshFailureSchema.properties, { description: 'the latest failed refresh, by any process' }),
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
        summary: 'Rebuild the warehouse and serve the new run',
        description:
          'Reruns the pipeline against DATA_PATH and the event store into a new warehouse file, checks it, swaps it ' +
          'in and answers the run summary. On any failure the previous answers keep being served. The optional ' +
          'body {"country_code": "<text>"} fails the refresh unless the new data has clean rows for that country. ' +
          'Needs `Authorization: Bearer <ADMIN_TOKEN>` when the server has an ADMIN_TOKEN.',
        tags: [TAGS.pipeline.name],
        security: [{ adminToken: [] }],
        body: Type.Optional(RefreshRequest),
        response: {
          200: runSummarySchema(figures),
          ...errorResponses({
            400: 'INVALID_REQUEST: a body other than {}, null or {"country_code": "<text>"}',
            401: 'UNAUTHORIZED: ADMIN_TOKEN is set and the request does not carry it',
            409: 'REFRESH_IN_PROGRESS: another refresh of the warehouse is running, in this or another process',
            422:
              'UNKNOWN_COUNTRY, INPUT_NOT_FOUND, INPUT_UNREADABLE, INPUT_SCHEMA_MISMATCH, DATA_CHECK_FAILED ' +
              '(the message names the check)',
            500: 'PIPELINE_FAILED (the message names the SQL file), PIPELINE_CRASHED (the worker died)',
            507: 'WAREHOUSE_WRITE_FAILED: the warehouse folder is not writable or the disk is full',
            '4xx': 'another client error',
            '5xx': 'another server error',
          }),
        },
      },
    },
    async (request) => refresher.refresh({ options: request.body ?? {} }),
  );

  const healthSchema = {
    summary: 'What this server serves',
    description:
      'The run this server serves, whether it is the one in the warehouse file now (a refresh by another process ' +
      'is followed within FOLLOW_MS), whether a refresh is running, and the latest failed refresh by any process.',
    tags: [TAGS.pipeline.name],
    response: { 200: Health, ...errorResponses({ '5xx': 'NOT_READY: nothing is served yet' }) },
  };
  app.get('/health', { schema: healthSchema }, async () => {
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
