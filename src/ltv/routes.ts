// POST /events: Ingest(e, D) over HTTP, each event judged on its own. GET /customers/top-ltv: the top
// customers by lifetime value, reflecting every event accepted before the call. Neither touches DuckDB
// in this process: both are the store worker's (StoreClient), which keeps the lifetime values up to date.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onRequestHookHandler } from 'fastify';
import { AppError, ErrorBody } from '../errors.js';
import { splitValues, type RawValue } from './event-text.js';
import { ingest } from './ingest.js';
import type { StoreClient } from './store/store-client.js';
import { CustomerLtv, MAX_TOP } from './customer-ltv.js';

/** A batch of events may be much larger than any other request. */
const EVENTS_BODY_LIMIT = 64 * 1024 * 1024;
const DEFAULT_TOP = 10;

const IngestResponse = Type.Object({
  accepted: Type.Integer({ description: 'events stored by this call' }),
  duplicates: Type.Integer({ description: 'events identical to one already stored, so not stored again' }),
  rejected: Type.Array(Type.Object({ index: Type.Integer(), reason: Type.String() })),
  conflicts: Type.Array(Type.Object({ order_id: Type.String(), customers: Type.Array(Type.String()) }), {
    description:
      'order ids that NEW orders of different customers share, among the orders this call stored: the data holds a conflict (the order counts once, for its latest version)',
  }),
});

const CompactResponse = Type.Object({
  compaction: Type.Union(
    [
      Type.Object({
        id: Type.String(),
        batches: Type.Integer({ description: 'batch files compacted (and removed)' }),
        events: Type.Integer({ description: 'events written to parquet' }),
        files: Type.Array(Type.String(), { description: 'the parquet files written, under the store' }),
        ms: Type.Integer(),
      }),
      Type.Null(),
    ],
    { description: 'null when there was nothing to compact' },
  ),
});

/**
 * The body's events, each with its index. A JSON body is parsed whole (one event or an array of them);
 * an array that is not valid JSON as a whole is split so its readable events still count. NDJSON is split by line.
 * Plain JSON.parse is safe here: it makes "__proto__" an ordinary key, and events are only ever read as data.
 */
function parseEvents(text: string, ndjson: boolean): RawValue[] {
  if (ndjson) {
    if (text.trim() === '') throw new AppError(400, 'INVALID_JSON', 'the body is empty: send one event per line');
    return splitValues(text);
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    if (text.trimStart().startsWith('[')) return splitValues(text);
    throw new AppError(400, 'INVALID_JSON', `the body is not valid JSON: ${(error as Error).message}`);
  }
  return Array.isArray(body) ? body.map((value, index) => ({ index, value })) : [{ index: 0, value: body }];
}

export const ltvRoutes: FastifyPluginAsyncTypebox<{
  store: StoreClient;
  adminOnly: onRequestHookHandler[];
}> = async (app, { store, adminOnly }) => {
  // Only the two event formats: any other content type is a 415, not a string to misread.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser(
    ['application/json', 'application/x-ndjson'],
    { parseAs: 'string' },
    (request, body, done) => {
      try {
        done(null, parseEvents(body as string, request.headers['content-type']?.includes('ndjson') ?? false));
      } catch (error) {
        done(error as Error, undefined);
      }
    },
  );

  app.post(
    '/events',
    {
      onRequest: adminOnly,
      bodyLimit: EVENTS_BODY_LIMIT,
      schema: {
        description: 'One event, an array of events (application/json), or one event per line (application/x-ndjson).',
        response: { 200: IngestResponse, '4xx': ErrorBody, '5xx': ErrorBody },
      },
    },
    async (request) => {
      // Without a body there is no content type either, so no parser ran.
      if (request.body === undefined) {
        throw new AppError(
          400,
          'INVALID_JSON',
          'the body is empty: send one event or a JSON array of events, or NDJSON',
        );
      }
      return ingest(store, request.body as RawValue[]);
    },
  );

  app.post(
    '/events/compact',
    {
      onRequest: adminOnly,
      schema: {
        description:
          'Compacts the batch files of the event store into parquet now (the store also does it on its own once EVENTS_COMPACT_BATCHES batch files wait).',
        response: { 200: CompactResponse, '4xx': ErrorBody, '5xx': ErrorBody },
      },
    },
    async () => ({ compaction: await store.compact() }),
  );

  app.get(
    '/customers/top-ltv',
    {
      schema: {
        querystring: Type.Object({
          limit: Type.Optional(Type.String({ description: `1 to ${MAX_TOP}, default ${DEFAULT_TOP}` })),
        }),
        response: { 200: Type.Array(CustomerLtv), '4xx': ErrorBody, '5xx': ErrorBody },
      },
    },
    async (request) => {
      const raw = request.query.limit ?? String(DEFAULT_TOP);
      const limit = /^\d{1,4}$/.test(raw) ? Number(raw) : 0;
      if (limit < 1 || limit > MAX_TOP) {
        throw new AppError(
          400,
          'INVALID_LIMIT',
          `limit must be a whole number from 1 to ${MAX_TOP}, not ${JSON.stringify(raw)}`,
        );
      }
      return store.top(limit);
    },
  );
};
