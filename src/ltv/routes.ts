// POST /events: Ingest(e, D) over HTTP, each event judged on its own. GET /customers/top-ltv: the top
// customers by lifetime value, reflecting every event accepted before the call. Neither touches DuckDB
// in this process: both are the store worker's (StoreClient), which keeps the lifetime values up to date.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { onRequestHookHandler } from 'fastify';
import { AppError } from '../errors.js';
import { errorResponses, TAGS } from '../openapi.js';
import { splitValues, type RawValue } from './event-text.js';
import { ingest, type IngestResult } from './ingest.js';
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

/** An event as POST /events takes it: for the API reference only, as each event is judged on its own (events.ts). */
const EventDoc = Type.Object(
  {
    type: Type.String({ description: 'CUSTOMER, SITE_VISIT, IMAGE or ORDER' }),
    verb: Type.String({ description: 'NEW or UPDATE (CUSTOMER, ORDER); NEW (SITE_VISIT); UPLOAD (IMAGE)' }),
    key: Type.String({ description: "the customer's, order's, page's or image's id" }),
    event_time: Type.String({ description: 'ISO 8601, e.g. 2017-01-06T12:46:46.384Z (no zone: UTC)' }),
    customer_id: Type.Optional(Type.String({ description: 'required for SITE_VISIT, IMAGE and ORDER' })),
    last_name: Type.Optional(Type.String({ description: 'CUSTOMER' })),
    total_amount: Type.Optional(
      Type.String({ description: 'ORDER, required: "12.34 USD" (other currencies are rejected)' }),
    ),
  },
  { additionalProperties: true, description: 'other fields (tags, cameras, addresses) are stored untouched' },
);

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
  /** Told each ingest's outcome (the metrics count events). */
  onIngest?: (result: IngestResult) => void;
}> = async (app, { store, adminOnly, onIngest }) => {
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
        summary: 'Store customer events',
        description:
          'One event, an array of events (application/json), or one event per line (application/x-ndjson), up to ' +
          '64 MiB. Each event is judged on its own: a bad one is listed with its index and reason, the good ones of ' +
          'the same batch are stored, durably, before the answer. An event identical to a stored one is not stored again.',
        tags: [TAGS.ltv.name],
        security: [{ adminToken: [] }],
        consumes: ['application/json', 'application/x-ndjson'],
        response: {
          200: IngestResponse,
          ...errorResponses({
            400: 'INVALID_JSON: the body is empty or not JSON at all',
            401: 'UNAUTHORIZED: ADMIN_TOKEN is set and the request does not carry it',
            413: 'FST_ERR_CTP_BODY_TOO_LARGE: a body over 64 MiB',
            415: 'FST_ERR_CTP_INVALID_MEDIA_TYPE: a content type other than JSON or NDJSON',
            503: 'EVENT_STORE_UNAVAILABLE: the store worker ended; try again',
            507: 'EVENTS_NOT_STORED (nothing of the batch was stored), EVENTS_NOT_DURABLE (stored, maybe not flushed)',
            '4xx': 'another client error',
            '5xx': 'another server error',
          }),
        },
      },
      // The body is documented, not validated by a schema: the parser splits it and each event is judged on its own.
      config: {
        swaggerTransform: ({ schema, url }: { schema: object; url: string }) => ({
          schema: { ...schema, body: Type.Union([EventDoc, Type.Array(EventDoc)]) },
          url,
        }),
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
      const result = await ingest(store, request.body as RawValue[]);
      onIngest?.(result);
      return result;
    },
  );

  app.post(
    '/events/compact',
    {
      onRequest: adminOnly,
      schema: {
        summary: 'Compact the event store now',
        description:
          'Compacts the batch files of the event store into parquet now (the store also does it on its own once EVENTS_COMPACT_BATCHES batch files wait).',
        tags: [TAGS.ltv.name],
        security: [{ adminToken: [] }],
        response: {
          200: CompactResponse,
          ...errorResponses({
            401: 'UNAUTHORIZED: ADMIN_TOKEN is set and the request does not carry it',
            '4xx': 'another client error',
            '5xx': 'EVENT_STORE_UNAVAILABLE, or the disk failed',
          }),
        },
      },
    },
    async () => ({ compaction: await store.compact() }),
  );

  app.get(
    '/customers/top-ltv',
    {
      schema: {
        summary: 'The customers with the highest lifetime value',
        description:
          'The X customers with the highest lifetime value, highest first (equal values in customer_id order), ' +
          'reflecting every event accepted before the call, also by other processes.',
        tags: [TAGS.ltv.name],
        querystring: Type.Object({
          limit: Type.Optional(Type.String({ description: `1 to ${MAX_TOP}, default ${DEFAULT_TOP}` })),
        }),
        response: {
          200: Type.Array(CustomerLtv),
          ...errorResponses({
            400: `INVALID_LIMIT: limit is not a whole number from 1 to ${MAX_TOP}`,
            '4xx': 'another client error',
            503: 'EVENT_STORE_UNAVAILABLE: the store worker ended; try again',
            '5xx': 'another server error',
          }),
        },
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
