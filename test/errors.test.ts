// Errors a client developer meets on every route: a known path with another method is a 405 that says which
// methods it takes (in the Allow header too), an unknown path a 404, a body of a type the route does not read a
// 415 that says what to send. All keep the body { statusCode, code, error, message }.
import t from 'tap';
import { sharedRun } from './helpers/warehouse.js';
import { HISTORY } from './vouchers/fixtures.js';

const appOf = await sharedRun(t, HISTORY);

/** Every route of the service, with the methods it answers (a GET route answers HEAD too). */
const ROUTES: [string, string[]][] = [
  ['/select-voucher', ['POST']],
  ['/refresh', ['POST']],
  ['/events', ['POST']],
  ['/customers/top-ltv', ['GET', 'HEAD']],
  ['/health', ['GET', 'HEAD']],
];
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

t.test('a known path with a method it does not take is a 405 with Allow, on every route', async (t) => {
  const { app } = await appOf(t);
  for (const [path, allowed] of ROUTES) {
    for (const method of METHODS.filter((each) => !allowed.includes(each))) {
      const response = await app.inject({ method, url: `${path}?limit=3` });
      t.equal(response.statusCode, 405, `${method} ${path}: status`);
      t.equal(response.headers.allow, allowed.join(', '), `${method} ${path}: Allow`);
      if (method === 'HEAD') continue;
      t.same(
        response.json(),
        {
          statusCode: 405,
          code: 'METHOD_NOT_ALLOWED',
          error: 'Method Not Allowed',
          message: `${method} is not allowed on ${path}: use ${allowed.join(' or ')}`,
        },
        `${method} ${path}: the error body says what to use`,
      );
    }
  }
});

t.test('an unknown path is still a 404, whatever the method', async (t) => {
  const { app } = await appOf(t);
  for (const url of ['/select-vouchers', '/health/', '/customers', '/customers/top-ltv/1', '/dashboards']) {
    for (const method of ['GET', 'POST'] as const) {
      const response = await app.inject({ method, url });
      t.match(
        [response.statusCode, response.headers.allow, response.json()],
        [404, undefined, { statusCode: 404, code: 'NOT_FOUND', message: `no route ${method} ${url}` }],
        `${method} ${url}`,
      );
    }
  }
});

t.test('a body in a format the route does not read is a 415 that says what to send', async (t) => {
  const { app } = await appOf(t);
  const cases = [
    {
      url: '/select-voucher',
      headers: {},
      message: 'the body has no Content-Type: send JSON with Content-Type: application/json',
    },
    {
      url: '/events',
      headers: {},
      message:
        'the body has no Content-Type: send JSON with Content-Type: application/json, or NDJSON (one JSON value per line) with Content-Type: application/x-ndjson',
    },
    {
      url: '/events',
      headers: { 'content-type': 'text/csv' },
      message:
        'Content-Type "text/csv" is not read: send JSON with Content-Type: application/json, or NDJSON (one JSON value per line) with Content-Type: application/x-ndjson',
    },
  ];
  for (const { url, headers, message } of cases) {
    const response = await app.inject({ method: 'POST', url, headers, body: '{"a": 1}' });
    t.same(
      response.json(),
      { statusCode: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', error: 'Unsupported Media Type', message },
      `${url} ${headers['content-type'] ?? 'without a content type'}`,
    );
  }
});
