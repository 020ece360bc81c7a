// The dashboard: GET / (the page), its script, styles and Chart.js served from this project's files and
// dependencies (no CDN, so it works offline), and the JSON it reads, answered from memory. Never opens DuckDB.
import { projectPath } from '../project-root.js';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import fastifyStatic from '@fastify/static';
import { Type, type TProperties } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { ErrorBody } from '../errors.js';
import { TAGS } from '../openapi.js';
import type { Refresher } from '../pipeline/refresher.js';
import { dashboardData, dashboardDataSchema } from './data.js';

/** The page's own files: beside this module's source, so the same path serves from src/ (tests) and dist/. */
const PUBLIC_DIR = projectPath('src/dashboard/public/');
/** Chart.js's UMD build, from node_modules: the one file of it the page loads (and its source map). */
const CHART_DIR = dirname(createRequire(import.meta.url).resolve('chart.js'));
const CHART_FILES = new Set(['/chart.umd.min.js', '/chart.umd.min.js.map']);

/** The page may load and call nothing but this service: the browser enforces it. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "img-src 'self' data:",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** How many customers the value model panel lists. */
const CLV_LIMIT = 10;

const ClvCustomer = Type.Object(
  {
    customer_id: Type.String(),
    last_name: Type.Optional(Type.Union([Type.String(), Type.Null()])),
    frequency: Type.Optional(Type.Number({ description: 'repeat purchases' })),
    recency_weeks: Type.Optional(Type.Number()),
    t_weeks: Type.Optional(Type.Number({ description: "the customer's age in the data, in weeks" })),
    monetary_value: Type.Optional(Type.Number({ description: 'average repeat purchase, USD' })),
    p_alive: Type.Optional(Type.Number({ description: 'probability the customer is still active' })),
    expected_purchases: Type.Optional(Type.Number()),
    expected_value: Type.Optional(Type.Number({ description: 'USD' })),
  },
  { description: 'as GET /customers/top-clv answers it' },
);

const ClvPanel = Type.Object({
  available: Type.Boolean({ description: 'whether GET /customers/top-clv answered customers' }),
  status: Type.Integer({ description: 'the status GET /customers/top-clv answered' }),
  customers: Type.Array(ClvCustomer),
  code: Type.Optional(Type.String()),
  message: Type.Optional(
    Type.String({ description: 'why there are no customers (a 422 when no model can be fitted)' }),
  ),
});

export interface DashboardRouteOptions {
  refresher: Refresher;
  /** The figures each feature adds to the run summary. */
  figures: TProperties[];
}

function html(reply: FastifyReply): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('cache-control', 'no-cache');
}

export const dashboardRoutes: FastifyPluginAsyncTypebox<DashboardRouteOptions> = async (
  app,
  { refresher, figures },
) => {
  const page = await readFile(`${PUBLIC_DIR}index.html`);
  const icon = await readFile(`${PUBLIC_DIR}favicon.svg`);

  app.get(
    '/',
    {
      schema: {
        summary: 'The dashboard',
        description:
          'An HTML page for people: the voucher answers per country and segment, the served run and its data quality, ' +
          'the run history, the top customers by lifetime value, and a form that tries POST /select-voucher. ' +
          'It reads GET /dashboard/data.json, GET /customers/top-ltv and GET /dashboard/clv.json.',
        tags: [TAGS.dashboard.name],
        produces: ['text/html'],
        response: { 200: Type.String({ description: 'the page (text/html)' }) },
      },
    },
    async (_request, reply) => html(reply).send(page),
  );

  // Browsers ask for it on any page without an icon of its own (/metrics, /openapi.json): a 404 there is an error.
  app.get('/favicon.ico', { schema: { hide: true } }, async (_request, reply) =>
    reply.type('image/svg+xml').header('cache-control', 'public, max-age=86400').send(icon),
  );

  await app.register(fastifyStatic, {
    root: PUBLIC_DIR,
    prefix: '/dashboard/',
    decorateReply: false,
    index: false,
    cacheControl: false,
    setHeaders: (reply) => {
      reply.header('cache-control', 'no-cache');
    },
    allowedPath: (path) => path !== '/index.html',
  });
  await app.register(fastifyStatic, {
    root: CHART_DIR,
    prefix: '/dashboard/vendor/',
    decorateReply: false,
    index: false,
    allowedPath: (path) => CHART_FILES.has(path),
  });

  app.get(
    '/dashboard/data.json',
    {
      schema: {
        summary: 'Everything the dashboard shows about the served run',
        description:
          'The served run (its summary, whether it is the latest, the latest failed refresh), every voucher answer ' +
          "(one row per country, segment and variant, with the country fallback), the run's data_quality rows, and " +
          'the recent refreshes by any process, failed ones with their reason. Answered from memory and the run log.',
        tags: [TAGS.dashboard.name],
        response: { 200: dashboardDataSchema(figures), '5xx': ErrorBody },
      },
    },
    async () => dashboardData(refresher),
  );

  app.get(
    '/dashboard/clv.json',
    {
      schema: {
        summary: 'The customer value model panel',
        description:
          `GET /customers/top-clv?limit=${CLV_LIMIT} as the dashboard shows it: its customers when it answers, ` +
          'otherwise its status and message (a 422 when no model can be fitted, a 404 where this version has no model), ' +
          'always with a 200, so the page reads one shape.',
        tags: [TAGS.dashboard.name],
        response: { 200: ClvPanel },
      },
    },
    async () => {
      if (!app.hasRoute({ method: 'GET', url: '/customers/top-clv' })) {
        return {
          available: false,
          status: 404,
          customers: [],
          message: 'this version of the service has no customer value model (GET /customers/top-clv)',
        };
      }
      const answer = await app.inject({ method: 'GET', url: `/customers/top-clv?limit=${CLV_LIMIT}` });
      let body: unknown;
      try {
        body = answer.json();
      } catch {
        body = undefined;
      }
      if (answer.statusCode === 200 && Array.isArray(body)) return { available: true, status: 200, customers: body };
      const error = (body ?? {}) as { code?: string; message?: string };
      return {
        available: false,
        status: answer.statusCode,
        customers: [],
        code: error.code,
        message: error.message ?? `GET /customers/top-clv answered ${answer.statusCode}`,
      };
    },
  );
};
