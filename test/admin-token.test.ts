// ADMIN_TOKEN: with it set, the routes that change data need `Authorization: Bearer <token>` (a 401
// otherwise, and nothing changes); the reads and /select-voucher stay open.
import { readdir } from 'node:fs/promises';
import t from 'tap';
import { appWith } from './helpers/warehouse.js';
import { SEED_EVENTS } from './ltv/fixtures.js';
import { SEED_REQUEST } from './vouchers/fixtures.js';

const TOKEN = 'a-long-random-admin-token-0123456789';

t.test('with ADMIN_TOKEN, /refresh and /events need the bearer token', async (t) => {
  const { app, config } = await appWith(t, [{}], { ADMIN_TOKEN: TOKEN });
  for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${TOKEN}`, `Bearer ${TOKEN}x`, 'Bearer ']) {
    const headers = authorization ? { authorization } : {};
    const refresh = await app.inject({ method: 'POST', url: '/refresh', headers });
    t.equal(refresh.statusCode, 401, `refresh with ${authorization}`);
    t.match(refresh.json(), { code: 'UNAUTHORIZED', message: /Authorization: Bearer <ADMIN_TOKEN>/ });
    t.equal(refresh.headers['www-authenticate'], 'Bearer');
    const events = await app.inject({ method: 'POST', url: '/events', headers, payload: SEED_EVENTS });
    t.equal(events.statusCode, 401, `events with ${authorization}`);
  }
  t.same(await readdir(config.EVENTS_PATH), [], 'no event was stored');
  const auth = { authorization: `Bearer ${TOKEN}` };
  t.equal((await app.inject({ method: 'POST', url: '/events', headers: auth, payload: SEED_EVENTS })).statusCode, 200);
  t.equal((await app.inject({ method: 'POST', url: '/refresh', headers: auth })).statusCode, 200);
  t.equal(
    (await app.inject({ method: 'POST', url: '/select-voucher', payload: SEED_REQUEST })).statusCode,
    200,
    'select-voucher stays open',
  );
  t.equal(
    (await app.inject({ method: 'GET', url: '/customers/top-ltv' })).json().length,
    1,
    'the top customers stay open',
  );
  t.equal((await app.inject({ method: 'GET', url: '/health' })).statusCode, 200);
});
