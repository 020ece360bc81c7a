// POST /select-voucher: the answers a client sees, and a clear 4xx for every kind of bad request.
import t from 'tap';
import { appWith } from '../helpers/warehouse.js';
import { HISTORY, SEED_REQUEST } from './fixtures.js';

t.test('answers', async (t) => {
  const { app } = await appWith(t, HISTORY);
  const select = async (changes: Record<string, unknown>) => {
    const response = await app.inject({
      method: 'POST',
      url: '/select-voucher',
      payload: { ...SEED_REQUEST, ...changes },
    });
    t.equal(response.statusCode, 200, response.body);
    return response.json();
  };

  t.test('the seed request: 760 days is 180+, which Peru has no data for, so the country answers', async (t) => {
    t.match(await select({}), {
      voucher_amount: 2640,
      country_code: 'Peru',
      segment_name: 'recency_segment',
      segment_variant: '180+',
      basis: 'country',
      run_id: /^[0-9a-f-]{36}$/,
    });
  });

  t.test('recency is UTC calendar days from the last order to today', async (t) => {
    t.match(await select({ last_order_ts: '2020-05-02 23:59:59' }), {
      segment_variant: '30-60',
      voucher_amount: 2640,
      basis: 'segment',
    });
    t.match(await select({ last_order_ts: '2020-02-15T00:00:00Z', first_order_ts: '2019-01-01T00:00:00Z' }), {
      segment_variant: '91-120',
      voucher_amount: 4400,
      basis: 'segment',
    });
    // 2020-04-02 is 60 days before 2020-06-01 and 2020-04-01 is 61: the bounds are inclusive.
    t.match(await select({ last_order_ts: '2020-04-02 00:00:00' }), { segment_variant: '30-60' });
    t.match(await select({ last_order_ts: '2020-04-01 00:00:00' }), { segment_variant: '61-90', basis: 'country' });
    // 23:00 at UTC-5 on 2020-04-01 is 2020-04-02 in UTC.
    t.match(await select({ last_order_ts: '2020-04-01T23:00:00-05:00' }), { segment_variant: '30-60' });
  });

  t.test('frequency reads total_orders', async (t) => {
    t.match(await select({ segment_name: 'frequent_segment', total_orders: 20 }), {
      segment_variant: '14-37',
      voucher_amount: 4400,
      basis: 'segment',
    });
    t.match(await select({ segment_name: 'frequent_segment', total_orders: 13 }), {
      segment_variant: '5-13',
      voucher_amount: 2640,
      basis: 'segment',
    });
    t.match(await select({ segment_name: 'frequent_segment', total_orders: 0 }), {
      segment_variant: '0-4',
      voucher_amount: 2640,
      basis: 'country',
    });
  });

  t.test('countries are matched trimmed and case-insensitively, and answered in their usual spelling', async (t) => {
    t.match(await select({ country_code: '  PERU ' }), { country_code: 'Peru' });
    t.match(await select({ country_code: 'latvia', segment_name: 'frequent_segment', total_orders: 4 }), {
      country_code: 'Latvia',
      voucher_amount: 1760,
      basis: 'segment',
    });
  });

  t.test('customer_id may be a number or a string', async (t) => {
    t.match(await select({ customer_id: 'c-123' }), { voucher_amount: 2640 });
  });
});

t.test('bad requests get a 4xx with a message, and the server keeps answering', async (t) => {
  const { app } = await appWith(t, HISTORY);
  const cases: {
    name: string;
    status: number;
    code: string;
    payload?: unknown;
    body?: string;
    headers?: Record<string, string>;
    message?: RegExp;
  }[] = [
    {
      name: 'not JSON',
      status: 400,
      code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      body: '{"country_code": ',
      headers: { 'content-type': 'application/json' },
    },
    {
      name: 'an empty JSON body',
      status: 400,
      code: 'FST_ERR_CTP_EMPTY_JSON_BODY',
      body: '',
      headers: { 'content-type': 'application/json' },
    },
    {
      name: 'no body at all',
      status: 400,
      code: 'INVALID_REQUEST',
      message: /^the body must be a JSON object, sent with Content-Type: application\/json$/,
    },
    {
      name: 'plain text',
      status: 400,
      code: 'INVALID_REQUEST',
      body: 'country=Peru',
      headers: { 'content-type': 'text/plain' },
      message: /^the body must be a JSON object, sent with Content-Type: application\/json$/,
    },
    {
      name: 'a media type it does not read',
      status: 415,
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      body: '<customer/>',
      headers: { 'content-type': 'application/xml' },
      message: /^Content-Type "application\/xml" is not read: send JSON with Content-Type: application\/json$/,
    },
    {
      name: 'a JSON body without a content type',
      status: 415,
      code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE',
      body: JSON.stringify(SEED_REQUEST),
      message: /^the body has no Content-Type: send JSON with Content-Type: application\/json$/,
    },
    {
      name: 'an empty object',
      status: 400,
      code: 'INVALID_REQUEST',
      payload: {},
      message:
        /^the body is missing customer_id, country_code, last_order_ts, first_order_ts, total_orders and segment_name$/,
    },
    {
      name: 'two fields missing',
      status: 400,
      code: 'INVALID_REQUEST',
      payload: { ...SEED_REQUEST, total_orders: undefined, segment_name: undefined },
      message: /^the body is missing total_orders and segment_name$/,
    },
    { name: 'an array', status: 400, code: 'INVALID_REQUEST', payload: [SEED_REQUEST] },
    {
      name: 'null',
      status: 400,
      code: 'INVALID_REQUEST',
      body: 'null',
      headers: { 'content-type': 'application/json' },
    },
    {
      name: 'a string',
      status: 400,
      code: 'INVALID_REQUEST',
      body: '"Peru"',
      headers: { 'content-type': 'application/json' },
    },
    ...Object.keys(SEED_REQUEST).map((field) => ({
      name: `missing ${field}`,
      status: 400,
      code: 'INVALID_REQUEST',
      payload: Object.fromEntries(Object.entries(SEED_REQUEST).filter(([key]) => key !== field)),
      message: new RegExp(field),
    })),
    {
      name: 'total_orders as a string',
      status: 400,
      code: 'INVALID_REQUEST',
      payload: { ...SEED_REQUEST, total_orders: '15' },
      message: /total_orders/,
    },
    {
      name: 'negative total_orders',
      status: 400,
      code: 'INVALID_REQUEST',
      payload: { ...SEED_REQUEST, total_orders: -1 },
      message: /total_orders/,
    },
    {
      name: 'fractional total_orders',
      status: 400,
      code: 'INVALID_REQUEST',
      payload: { ...SEED_REQUEST, total_orders: 2.5 },
      message: /total_orders/,
    },
    {
      name: 'customer_id a boolean',
      status: 400,
      code: 'INVALID_REQUEST',
      payload: { ...SEED_REQUEST, customer_id: true },
      message: /^customer_id must be an integer or a non-empty string$/,
    },
    {
      name: 'customer_id a string over 256 characters',
      status: 400,
      code: 'INVALID_REQUEST',
      payload: { ...SEED_REQUEST, customer_id: 'c'.repeat(257) },
      message: /^customer_id must NOT have more than 256 characters$/,
    },
    {
      name: 'country_code a number',
      status: 400,
      code: 'INVALID_REQUEST',
      payload: { ...SEED_REQUEST, country_code: 51 },
      message: /^country_code must be a non-empty string$/,
    },
    {
      name: 'an undefined segment',
      status: 400,
      code: 'UNKNOWN_SEGMENT',
      payload: { ...SEED_REQUEST, segment_name: 'loyalty_segment' },
      message: /frequent_segment, recency_segment/,
    },
    {
      name: 'an unreadable last_order_ts',
      status: 400,
      code: 'INVALID_TIMESTAMP',
      payload: { ...SEED_REQUEST, last_order_ts: 'last tuesday' },
      message: /last_order_ts/,
    },
    {
      name: 'a date that does not exist',
      status: 400,
      code: 'INVALID_TIMESTAMP',
      payload: { ...SEED_REQUEST, first_order_ts: '2017-02-30 00:00:00' },
      message: /first_order_ts/,
    },
    {
      name: 'last_order_ts in the future',
      status: 400,
      code: 'LAST_ORDER_IN_FUTURE',
      payload: { ...SEED_REQUEST, last_order_ts: '2020-06-02 00:00:00' },
    },
    {
      name: 'first order after last order',
      status: 400,
      code: 'FIRST_ORDER_AFTER_LAST_ORDER',
      payload: { ...SEED_REQUEST, first_order_ts: '2019-01-01 00:00:00' },
    },
    {
      name: 'a prototype-poisoning key',
      status: 400,
      code: 'FST_ERR_CTP_INVALID_JSON_BODY',
      body: `{"__proto__": {"admin": true}, ${JSON.stringify(SEED_REQUEST).slice(1)}`,
      headers: { 'content-type': 'application/json' },
    },
    {
      name: 'a country with no data',
      status: 404,
      code: 'UNKNOWN_COUNTRY',
      payload: { ...SEED_REQUEST, country_code: 'Atlantis' },
      message: /^no voucher data for country_code "Atlantis"; the data has Latvia, Peru$/,
    },
    {
      name: '40 orders',
      status: 404,
      code: 'NO_MATCHING_VARIANT',
      payload: { ...SEED_REQUEST, segment_name: 'frequent_segment', total_orders: 40 },
      message: /40 orders/,
    },
    {
      name: '10 days since the last order',
      status: 404,
      code: 'NO_MATCHING_VARIANT',
      payload: { ...SEED_REQUEST, last_order_ts: '2020-05-22 00:00:00' },
      message: /10 days/,
    },
    {
      name: 'a body over 1 MiB',
      status: 413,
      code: 'FST_ERR_CTP_BODY_TOO_LARGE',
      payload: { ...SEED_REQUEST, padding: 'x'.repeat(1024 * 1024) },
    },
    { name: 'an unknown route', status: 404, code: 'NOT_FOUND', payload: SEED_REQUEST },
  ];
  for (const c of cases) {
    const response = await app.inject({
      method: 'POST',
      url: c.name === 'an unknown route' ? '/select-vouchers' : '/select-voucher',
      ...(c.payload !== undefined ? { payload: c.payload as object } : {}),
      ...(c.body !== undefined ? { body: c.body } : {}),
      headers: c.headers ?? {},
    });
    const body = response.json();
    t.equal(response.statusCode, c.status, `${c.name}: status (${response.body})`);
    t.match(
      body,
      { statusCode: c.status, code: c.code, error: String, message: c.message ?? /\w/ },
      `${c.name}: error body`,
    );
  }
  const after = await app.inject({ method: 'POST', url: '/select-voucher', payload: SEED_REQUEST });
  t.equal(after.statusCode, 200, 'a good request still gets its answer');
});

t.test('an unknown country lists the first 10 known ones and counts the rest', async (t) => {
  const countries = Array.from({ length: 12 }, (_, index) => `Country ${String.fromCharCode(76 - index)}`);
  const { app } = await appWith(
    t,
    countries.map((country_code) => ({ country_code })),
  );
  const response = await app.inject({
    method: 'POST',
    url: '/select-voucher',
    payload: { ...SEED_REQUEST, country_code: 'Atlantis' },
  });
  t.equal(response.statusCode, 404);
  t.equal(
    response.json().message,
    `no voucher data for country_code "Atlantis"; the data has ${[...countries].sort().slice(0, 10).join(', ')} and 2 more (12 in all)`,
  );
});
