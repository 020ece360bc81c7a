// The API reference: GET /openapi.json documents every route with the schemas that validate it (request, response,
// each documented error status, all on the one shared ErrorBody), and /docs serves Swagger UI from this service alone.
import { Validator } from '@seriousme/openapi-schema-validator';
import t from 'tap';
import { ErrorBody } from '../src/errors.js';
import { SelectVoucherRequest } from '../src/vouchers/routes.js';
import { sharedRun } from './helpers/warehouse.js';
import { HISTORY } from './vouchers/fixtures.js';

/** Every route a client or a person calls, as `METHOD path`. */
const ROUTES = [
  'POST /select-voucher',
  'POST /refresh',
  'GET /health',
  'POST /events',
  'POST /events/compact',
  'GET /customers/top-ltv',
  'GET /',
  'GET /dashboard/data.json',
  'GET /dashboard/clv.json',
  'GET /metrics',
  'GET /openapi.json',
];

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content: Record<string, { schema: any }> };
  parameters?: { name: string; in: string }[];
  responses: Record<string, { description: string; content?: Record<string, { schema: any }> }>;
}

t.test('GET /openapi.json', async (t) => {
  const appFor = await sharedRun(t, HISTORY);
  const { app } = await appFor(t);
  const response = await app.inject({ method: 'GET', url: '/openapi.json' });
  t.equal(response.statusCode, 200);
  t.match(response.headers['content-type'], /application\/json/);
  const document = response.json();
  const operations = new Map<string, Operation>();
  for (const [path, methods] of Object.entries(document.paths as Record<string, Record<string, Operation>>)) {
    for (const [method, operation] of Object.entries(methods)) {
      operations.set(`${method.toUpperCase()} ${path}`, operation);
    }
  }

  t.test('is a valid OpenAPI 3 document of this service', async (t) => {
    const verdict = await new Validator().validate(document);
    t.ok(verdict.valid, 'valid against the OpenAPI 3.0 schema, so client generators take it');
    t.same(verdict.errors ?? [], []);
    t.match(document.openapi, /^3\.0\.\d+$/);
    t.match(document.info, { title: 'Customer analytics', version: /^\d+\.\d+\.\d+/ });
    t.match(document.info.description, /\/docs/);
  });

  t.test('documents every route, each with a summary, a description, a tag and its success answer', async (t) => {
    for (const route of ROUTES) {
      const operation = operations.get(route);
      t.ok(operation, `${route} is documented`);
      if (!operation) continue;
      t.ok(operation.summary, `${route} has a summary`);
      t.ok(operation.description, `${route} has a description`);
      t.ok(operation.tags?.length, `${route} has a tag`);
      t.ok(
        Object.keys(operation.responses).some((status) => status.startsWith('2')),
        `${route} has a success answer`,
      );
    }
    const names = document.tags.map((tag: { name: string }) => tag.name);
    for (const [route, operation] of operations) {
      for (const tag of operation.tags ?? []) t.ok(names.includes(tag), `${route}'s tag ${tag} is described`);
      const [method, path] = route.split(' ');
      t.ok(app.hasRoute({ method: method!, url: path! }), `${route} is a route of the app`);
    }
    t.notOk(
      [...operations.keys()].some((route) => route.includes('/docs') || route.includes('/dashboard/vendor')),
      'the reference and the static files are not API routes',
    );
  });

  t.test('the request schemas are the ones that validate requests', async (t) => {
    const body = operations.get('POST /select-voucher')!.requestBody!.content['application/json']!.schema;
    t.same(Object.keys(body.properties).sort(), Object.keys(SelectVoucherRequest.properties).sort());
    t.same([...body.required].sort(), [...SelectVoucherRequest.required!].sort());
    t.match(body.properties.total_orders, { type: 'integer', minimum: 0 });
    const answer = await app.inject({
      method: 'POST',
      url: '/select-voucher',
      payload: { ...Object.fromEntries(body.required.map((field: string) => [field, 'x'])), total_orders: 1 },
    });
    t.equal(answer.statusCode, 400, 'a body the document calls invalid is refused');
    t.match(operations.get('GET /customers/top-ltv')!.parameters, [{ name: 'limit', in: 'query' }]);
    t.ok(operations.get('POST /events')!.requestBody!.content['application/x-ndjson'], 'events take NDJSON too');
    t.ok(operations.get('POST /refresh')!.requestBody, 'the refresh body is documented');
  });

  t.test('every documented error status answers the one shared ErrorBody', async (t) => {
    const shared = document.components.schemas.ErrorBody;
    t.same(Object.keys(shared.properties).sort(), Object.keys(ErrorBody.properties).sort());
    const expected: Record<string, string[]> = {
      'POST /select-voucher': ['400', '404', '413', '415', '5XX'],
      'POST /refresh': ['400', '401', '409', '422', '500', '507'],
      'POST /events': ['400', '401', '413', '415', '507'],
      'GET /customers/top-ltv': ['400', '503'],
    };
    for (const [route, statuses] of Object.entries(expected)) {
      const responses = operations.get(route)!.responses;
      for (const status of statuses) {
        t.ok(responses[status]?.description.length, `${route} documents ${status}`);
      }
    }
    for (const [route, operation] of operations) {
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!/^[45]/.test(status)) continue;
        t.same(
          response.content?.['application/json']?.schema,
          { $ref: '#/components/schemas/ErrorBody' },
          `${route} ${status} refers to ErrorBody`,
        );
      }
    }
    t.same(operations.get('POST /refresh')!.security, [{ adminToken: [] }], 'the admin routes say they need the token');
  });
});

t.test('GET /docs is Swagger UI, served from this service', async (t) => {
  const appFor = await sharedRun(t, HISTORY);
  const { app } = await appFor(t);
  const page = await app.inject({ method: 'GET', url: '/docs' });
  t.equal(page.statusCode, 200);
  t.match(page.headers['content-type'], /text\/html/);
  t.match(page.headers['content-security-policy'], /default-src 'self'/);
  const assets = [...page.body.matchAll(/(?:src|href)="([^"]+)"/g)].map((match) => match[1]!);
  t.ok(assets.length >= 4, 'it loads its scripts and styles');
  for (const asset of assets) {
    t.notMatch(asset, /^(https?:)?\/\//, `${asset} comes from this service`);
    const answer = await app.inject({ method: 'GET', url: new URL(asset, 'http://service/docs').pathname });
    t.equal(answer.statusCode, 200, `${asset} is served`);
  }
  const initializer = await app.inject({ method: 'GET', url: '/docs/static/swagger-initializer.js' });
  t.match(initializer.body, /validatorUrl["']?:\s*null/, 'no call to the public validator');
  const spec = await app.inject({ method: 'GET', url: '/docs/json' });
  t.same(spec.json(), (await app.inject({ method: 'GET', url: '/openapi.json' })).json(), 'the same document');
});
