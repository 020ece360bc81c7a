// The event rules of ltv-events.md, one fixture per rule: what is accepted, and the reason a client
// reads for what is not.
import t from 'tap';
import { checkEvent } from '../../src/ltv/events.js';
import { SEED_EVENTS, order, visit } from './fixtures.js';

const reason = (value: unknown) => {
  const verdict = checkEvent(value);
  return 'reason' in verdict ? verdict.reason : undefined;
};

t.test('the sample events of ltv-events.md are accepted, their time read as UTC', async (t) => {
  for (const event of SEED_EVENTS) t.same(checkEvent(event), { eventAt: event.event_time }, String(event.type));
  t.same(checkEvent({ ...SEED_EVENTS[0], event_time: '2017-01-06T13:46:46.384+01:00' }), {
    eventAt: '2017-01-06T12:46:46.384Z',
  });
});

t.test("the challenge's legacy time, a colon for the T, is read as UTC and stored as ISO 8601", async (t) => {
  t.same(checkEvent({ ...SEED_EVENTS[0], event_time: '2017-01-06:12:46:46.384Z' }), {
    eventAt: '2017-01-06T12:46:46.384Z',
  });
  t.same(checkEvent({ ...SEED_EVENTS[0], event_time: '2017-01-06:12:46:46Z' }), {
    eventAt: '2017-01-06T12:46:46.000Z',
  });
  t.match(reason({ ...SEED_EVENTS[0], event_time: '2017-01-06:12:46:46+01:00' }), /unreadable event_time/, 'UTC only');
});

t.test('each broken rule is rejected with its reason', async (t) => {
  const good = order('o1', 'c1', '2017-01-06T12:00:00.000Z', '12.34 USD');
  const cases: [string, unknown, RegExp][] = [
    ['not an object', 42, /must be a JSON object, not a number/],
    ['an array', [good], /must be a JSON object, not an array/],
    ['null', null, /must be a JSON object, not null/],
    ['unknown type', { ...good, type: 'REFUND' }, /unknown type "REFUND"/],
    ['missing type', { ...good, type: undefined }, /missing type/],
    ['unknown verb', { ...good, verb: 'DELETE' }, /unknown verb "DELETE" for type ORDER \(expected NEW or UPDATE\)/],
    [
      'verb of another type',
      { ...visit('v1', 'c1', '2017-01-06T12:00:00Z'), verb: 'UPDATE' },
      /unknown verb "UPDATE" for type SITE_VISIT/,
    ],
    ['missing key', { ...good, key: '' }, /missing key/],
    ['key not a string', { ...good, key: 7 }, /key must be a string, not a number/],
    ['missing event_time', { ...good, event_time: undefined }, /missing event_time/],
    ['unreadable event_time', { ...good, event_time: '06/01/2017' }, /unreadable event_time "06\/01\/2017"/],
    ['impossible date', { ...good, event_time: '2017-02-30T00:00:00Z' }, /unreadable event_time/],
    ['order without customer', { ...good, customer_id: undefined }, /missing customer_id/],
    [
      'visit without customer',
      { ...visit('v1', 'c1', '2017-01-06T12:00:00Z'), customer_id: null },
      /missing customer_id/,
    ],
    ['order without amount', { ...good, total_amount: undefined }, /missing total_amount/],
    [
      'another currency',
      { ...good, total_amount: '12.34 EUR' },
      /"12.34 EUR" is not in USD \(amounts are not converted\)/,
    ],
    ['amount not N.NN', { ...good, total_amount: '12.3 USD' }, /"12.3 USD" is not an amount like "12.34 USD"/],
    [
      'amount a number',
      { ...good, total_amount: 12.34 },
      /total_amount must be a string like "12.34 USD", not a number/,
    ],
    ['negative amount', { ...good, total_amount: '-5.00 USD' }, /is not an amount like/],
    [
      'last_name not text',
      { type: 'CUSTOMER', verb: 'NEW', key: 'c1', event_time: '2017-01-06T12:00:00Z', last_name: 5 },
      /last_name must be a string/,
    ],
  ];
  for (const [rule, value, expected] of cases) t.match(reason(value), expected, rule);
});

t.test('fields the LTV does not read are optional, and extra fields are kept', async (t) => {
  t.notOk(
    reason({ type: 'CUSTOMER', verb: 'UPDATE', key: 'c1', event_time: '2017-01-06T12:00:00Z' }),
    'a customer without attributes',
  );
  t.notOk(
    reason({ ...SEED_EVENTS[2], camera_make: undefined, anything: { nested: [1, 2] } }),
    'an image with other fields',
  );
});
