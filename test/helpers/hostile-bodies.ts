// Hostile requests for every endpoint of the service, generated from a seed: endless, deterministic streams
// of mutated good bodies, random JSON, broken text, deep nesting and odd content types. Sends nothing itself.
import { countryKey } from '../../src/vouchers/snapshot.js';
import { SEED_REQUEST } from '../../src/vouchers/seed-request.js';
import { Hostile, Obj, objectOf, percentEncode, Raw, write, type Tree } from './hostile-values.js';

export interface HostileRequest {
  /** What was generated, for a failure message. */
  label: string;
  method: string;
  /** The path and query string, sent as they are. */
  path: string;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Sent with node:http rather than fetch: raw paths, methods fetch refuses, a GET with a body. */
  raw?: boolean;
}

/** Content types other than plain JSON; undefined sends none. */
export const ODD_CONTENT_TYPES = [
  undefined,
  'text/plain',
  'text/plain; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/json;',
  'application/json, text/plain',
  'application/jsonx',
  'application/x-ndjson',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----hostile',
  'application/octet-stream',
  'application/problem+json',
  '*/*',
  ';;;',
  ' ',
  `application/json; boundary=${'x'.repeat(4_000)}`,
  'application/json; charset="\u00ff"',
];

/** An endless stream of bodies for a JSON endpoint, mostly mutations of a good body made by `template`. */
export function* jsonBodies(
  hostile: Hostile,
  template: () => Obj,
  known: readonly string[],
  big: (object: Obj) => void,
): Generator<{ label: string; body: string | Uint8Array; contentType: string | undefined }> {
  for (;;) {
    const roll = hostile.random();
    let label: string;
    let body: string | Uint8Array;
    if (roll < 0.6) {
      const object = template();
      label = hostile.mutate(
        object,
        object.entries.map(([key]) => key),
        known,
      );
      body = write(object);
    } else if (roll < 0.72) {
      const value = hostile.value(3, known);
      label = 'random JSON';
      body = write(value);
    } else if (roll < 0.86) {
      [label, body] = hostile.broken(write(template()));
    } else if (roll < 0.91) {
      label = 'nested deep';
      body = hostile.deep().text;
    } else if (roll < 0.98) {
      const inner = template();
      const wrapped = hostile.pick<[string, Tree]>([
        ['in an array', [inner]],
        ['inside another object', new Obj([['body', inner]])],
        ['as a JSON string', write(inner)],
        ['twice', new Raw(write(inner) + write(inner))],
      ]);
      label = wrapped[0];
      body = write(wrapped[1]);
    } else {
      const object = template();
      big(object);
      label = 'large, under the limit';
      body = write(object);
    }
    const contentType = hostile.chance(0.85) ? 'application/json' : hostile.pick(ODD_CONTENT_TYPES);
    yield {
      label: contentType === 'application/json' ? label : `${label}, as ${contentType ?? 'no content type'}`,
      body,
      contentType,
    };
  }
}

export const withType = (contentType: string | undefined): Record<string, string> =>
  contentType === undefined ? {} : { 'content-type': contentType };

const VOUCHER_WORDS = ['Peru', 'Latvia', 'recency_segment', 'frequent_segment', '2018-05-03 00:00:00', '15', '123'];

export function* selectVoucherRequests(seed: number): Generator<HostileRequest> {
  const hostile = new Hostile(seed);
  const big = (object: Obj) =>
    object.set(
      hostile.pick(['country_code', 'segment_name', 'last_order_ts']),
      'x'.repeat(hostile.pick([100_000, 1_000_000])),
    );
  for (const { label, body, contentType } of jsonBodies(hostile, () => objectOf(SEED_REQUEST), VOUCHER_WORDS, big)) {
    yield { label, method: 'POST', path: '/select-voucher', body, headers: withType(contentType) };
  }
}

/** Whether Fastify would hand this body to the /refresh handler (so it runs a refresh) rather than refuse it. */
function wouldRefresh(body: string | Uint8Array, contentType: string | undefined): boolean {
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  if (contentType === undefined) return text === '';
  if (contentType.split(';')[0]!.trim().toLowerCase() !== 'application/json') return false;
  let value: unknown;
  try {
    // Fastify's JSON parser drops a byte order mark first.
    value = JSON.parse(text.replace(/^\ufeff/, ''));
  } catch {
    return false;
  }
  if (value === null) return true;
  if (typeof value !== 'object' || Array.isArray(value) || Object.keys(value).some((key) => key !== 'country_code')) {
    return false;
  }
  const country = (value as { country_code?: unknown }).country_code;
  return country === undefined || (typeof country === 'string' && country.length > 0 && [...country].length <= 256);
}

/**
 * Bodies for POST /refresh. A body the schema accepts runs a refresh (about a second), so only one in `every`
 * is, each naming a country the data does not have (422, nothing changes; 409 while another runs); every
 * other body is one the schema refuses (400) or the parser refuses (400, 415).
 */
export function* refreshRequests(
  seed: number,
  every: number,
  knownCountries: readonly string[],
): Generator<HostileRequest> {
  const hostile = new Hostile(seed);
  const known = new Set(knownCountries.map(countryKey));
  const bodies = jsonBodies(
    hostile,
    () => objectOf({ country_code: 'Peru' }),
    ['Peru', 'Latvia', 'country_code'],
    (object) => object.set('country_code', 'x'.repeat(500_000)),
  );
  for (let index = 0; ; index++) {
    if (index % every === every - 1) {
      let country = hostile.string(knownCountries);
      while (country.length === 0 || [...country].length > 256 || known.has(countryKey(country))) {
        country = hostile.string();
      }
      yield {
        label: 'a valid body naming an unknown country (runs a refresh)',
        method: 'POST',
        path: '/refresh',
        body: JSON.stringify({ country_code: country }),
        headers: { 'content-type': 'application/json' },
      };
      continue;
    }
    let next = bodies.next().value!;
    while (wouldRefresh(next.body, next.contentType)) next = bodies.next().value!;
    yield { label: next.label, method: 'POST', path: '/refresh', body: next.body, headers: withType(next.contentType) };
  }
}

const LIMITS = [
  '1',
  '10',
  '1000',
  '1001',
  '0',
  '-1',
  '',
  '01',
  '0001',
  '10000',
  '1e3',
  '0x10',
  '1.0',
  '1.5',
  ' 10',
  '10 ',
  '+10',
  '１０',
  '10%00',
  '%zz',
  '%',
  '%25',
  '9'.repeat(400),
  'null',
  'undefined',
  '[]',
  '{}',
  "1' or 1=1 --",
  '1;drop table customer_ltv',
  '1&limit=2',
];

/** Header values a client can send (visible Latin-1, no line breaks), some long. */
function headerValue(hostile: Hostile): string {
  const text = hostile.string(['application/json', 'gzip', 'Bearer x', '*/*']);
  return text.replace(/[^\u0020-\u007e\u00a0-\u00ff]/g, '?').slice(0, hostile.chance(0.1) ? 8_000 : 200);
}

const HEADER_NAMES = [
  'accept',
  'accept-encoding',
  'accept-language',
  'cookie',
  'if-none-match',
  'if-modified-since',
  'range',
  'x-forwarded-for',
  'authorization',
  'user-agent',
  'x-request-id',
  'origin',
  'content-type',
];

function hostileHeaders(hostile: Hostile): Record<string, string> {
  return Object.fromEntries(
    Array.from({ length: hostile.int(4) }, () => [hostile.pick(HEADER_NAMES), headerValue(hostile)]),
  );
}

export function* topLtvRequests(seed: number): Generator<HostileRequest> {
  const hostile = new Hostile(seed);
  for (;;) {
    const roll = hostile.random();
    const limit = hostile.chance(0.6) ? hostile.pick(LIMITS) : hostile.string(['10', '1000']);
    let query: string;
    if (roll < 0.55) query = `?limit=${percentEncode(limit)}`;
    else if (roll < 0.7) query = `?limit=${limit}`;
    else if (roll < 0.9) {
      query = hostile.pick([
        '?limit=1&limit=2',
        '?limit[]=1',
        '?limit[a]=1',
        '?limit',
        '?=1',
        '?&&&',
        `?limit=5&${percentEncode(hostile.string())}=1`,
        '?LIMIT=5',
        '?limit=5#x',
        '',
      ]);
    } else {
      query = hostile.chance(0.5)
        ? `?limit=${'9'.repeat(1 + hostile.int(8_000))}`
        : `?${'a=1&'.repeat(1 + hostile.int(1_500))}limit=3`;
    }
    yield {
      label: `limit ${JSON.stringify(limit.slice(0, 60))}, query ${JSON.stringify(query.slice(0, 60))}`,
      method: 'GET',
      path: `/customers/top-ltv${query}`,
      headers: hostileHeaders(hostile),
    };
  }
}

export function* healthRequests(seed: number): Generator<HostileRequest> {
  const hostile = new Hostile(seed);
  for (;;) {
    const roll = hostile.random();
    const query = hostile.chance(0.5) ? `?${percentEncode(hostile.string())}=${percentEncode(hostile.string())}` : '';
    const headers = hostileHeaders(hostile);
    if (roll < 0.6) {
      yield {
        label: `GET with query ${JSON.stringify(query.slice(0, 60))} and headers ${Object.keys(headers).join(', ')}`,
        method: 'GET',
        path: `/health${query}`,
        headers,
      };
    } else if (roll < 0.8) {
      yield {
        label: 'GET with a body',
        method: 'GET',
        path: `/health${query}`,
        body: write(hostile.value(2)),
        headers: { ...headers, 'content-type': 'application/json' },
        raw: true,
      };
    } else if (roll < 0.9) yield { label: 'HEAD', method: 'HEAD', path: `/health${query}`, headers };
    else {
      const method = hostile.pick(['POST', 'PUT', 'DELETE', 'PATCH']);
      yield {
        label: `${method} with a body`,
        method,
        path: '/health',
        body: write(hostile.value(2)),
        headers: { 'content-type': 'application/json' },
      };
    }
  }
}

const METHODS = [
  'GET',
  'POST',
  'PUT',
  'DELETE',
  'PATCH',
  'OPTIONS',
  'HEAD',
  'PROPFIND',
  'SEARCH',
  'MKCOL',
  'LOCK',
  'PURGE',
  'REPORT',
  'BREW',
  'get',
];
const PATHS = [
  '/',
  '/select-voucher/',
  '/Select-Voucher',
  '/select-voucher/../health',
  '//health',
  '/health/',
  '/health/..',
  '/health%00',
  '/%2e%2e/%2e%2e/etc/passwd',
  '/../../etc/passwd',
  '/%',
  '/%ff',
  '/.',
  '/customers',
  '/customers/top-ltv/extra',
  '/events/1',
  '/refresh/',
  '/admin',
  '/.env',
  '/favicon.ico',
  '/health;jsessionid=1',
  '*',
  'http://evil.example/health',
  `/${'a'.repeat(10_000)}`,
  `/${'a/'.repeat(2_000)}`,
];

/** Unknown routes and methods: known paths changed slightly, random ones, methods no route has, with or without a body. */
export function* strayRequests(seed: number): Generator<HostileRequest> {
  const hostile = new Hostile(seed);
  for (;;) {
    const method = hostile.pick(METHODS);
    const path = hostile.chance(0.5)
      ? hostile.pick(PATHS)
      : `/${percentEncode(hostile.string(['health', 'select-voucher', 'events', 'refresh']), /[\u0021-\u007e]/)}`;
    const body = method !== 'GET' && method !== 'HEAD' && hostile.chance(0.5) ? write(hostile.value(2)) : undefined;
    yield {
      label: `${method} ${JSON.stringify(path.slice(0, 60))}${body === undefined ? '' : ' with a body'}`,
      method,
      path,
      ...(body === undefined ? {} : { body, headers: { 'content-type': 'application/json' } }),
      raw: true,
    };
  }
}

/** Requests Node's HTTP parser refuses before any route sees them, written to the socket as they are. */
export const MALFORMED_HTTP: [string, string][] = [
  ['a request line that is not HTTP', 'HELLO WORLD\r\n\r\n'],
  [
    'a content-length that is not a number',
    'POST /select-voucher HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}',
  ],
  [
    'a broken chunk size',
    'POST /events HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n',
  ],
  [
    'both content-length and chunked',
    'POST /refresh HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n{}',
  ],
  ['a header without a colon', 'GET /health HTTP/1.1\r\nHost: x\r\nnot a header\r\n\r\n'],
  ['a NUL in a header', 'GET /health HTTP/1.1\r\nHost: x\r\nX-Hostile: a\u0000b\r\n\r\n'],
  ['headers over 16 KiB', `GET /health HTTP/1.1\r\nHost: x\r\nX-Hostile: ${'a'.repeat(20_000)}\r\n\r\n`],
  ['a URL over 16 KiB', `GET /customers/top-ltv?limit=${'9'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`],
  ['an unknown method', 'BREW /health HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['an HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
];

/** Bodies over the limits (1 MiB, 64 MiB for /events), with their length declared or sent in chunks. */
export const OVER_LIMIT: { label: string; path: string; bytes: number; declared: boolean }[] = [
  { label: '/select-voucher, 1 MiB + 1 declared', path: '/select-voucher', bytes: 1024 * 1024 + 1, declared: true },
  { label: '/select-voucher, 2 MiB chunked', path: '/select-voucher', bytes: 2 * 1024 * 1024, declared: false },
  { label: '/refresh, 1 MiB + 1 declared', path: '/refresh', bytes: 1024 * 1024 + 1, declared: true },
  { label: '/events, 64 MiB + 1 declared', path: '/events', bytes: 64 * 1024 * 1024 + 1, declared: true },
  { label: '/events, 65 MiB chunked', path: '/events', bytes: 65 * 1024 * 1024, declared: false },
];
