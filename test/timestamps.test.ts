// Request timestamps: the seed's format read as UTC, ISO 8601 with or without an offset, and a clear
// "no" (undefined) for anything else, including dates that do not exist.
import t from 'tap';
import { parseTimestamp, utcDaysBetween } from '../src/timestamps.js';

const iso = (text: string) => parseTimestamp(text)?.toISOString();

t.test('accepted forms', async (t) => {
  t.equal(iso('2018-05-03 00:00:00'), '2018-05-03T00:00:00.000Z', 'the seed format is UTC');
  t.equal(iso('2018-05-03'), '2018-05-03T00:00:00.000Z');
  t.equal(iso('2018-05-03T10:20'), '2018-05-03T10:20:00.000Z');
  t.equal(iso('2018-05-03T10:20:30Z'), '2018-05-03T10:20:30.000Z');
  t.equal(iso('2018-05-03T10:20:30.123456789Z'), '2018-05-03T10:20:30.123Z');
  t.equal(iso('2018-05-03T10:20:30.5+02:00'), '2018-05-03T08:20:30.500Z');
  t.equal(iso('2018-05-03 23:30:00-0530'), '2018-05-04T05:00:00.000Z');
  t.equal(iso('2020-04-19 00:00:00+00:00'), '2020-04-19T00:00:00.000Z', 'the parquet format');
  t.equal(iso('2020-04-19 00:00:00 +00'), '2020-04-19T00:00:00.000Z');
  t.equal(iso(' 2020-02-29 12:00:00 '), '2020-02-29T12:00:00.000Z', 'a leap day, with spaces around');
});

t.test('refused forms', async (t) => {
  for (const text of [
    '',
    'yesterday',
    '2018-5-3',
    '2018/05/03',
    '18-05-03',
    '2018-05-03 24:00:00',
    '2018-05-03 10:60',
    '2018-05-03 10:00:61',
    '2021-02-29',
    '2018-04-31',
    '2018-13-01',
    '2018-00-10',
    '2018-05-03T10:00:00+25:00',
    '2018-05-03T10:00:00+05:3',
    '2018-05-03T10:00:00Zulu',
    '2018-05-03T10:00:00.',
    '2018-05-03T10:00:00.1234567890',
    '2018-05-03 10:00:00 UTC',
    '0099-01-01',
  ]) {
    t.equal(parseTimestamp(text), undefined, JSON.stringify(text));
  }
});

t.test('UTC calendar days', async (t) => {
  const at = (text: string) => parseTimestamp(text)!;
  t.equal(utcDaysBetween(at('2020-04-02 23:59:59'), at('2020-06-01 00:00:00')), 60);
  t.equal(utcDaysBetween(at('2020-04-01T23:00:00-05:00'), at('2020-06-01 00:00:00')), 60, 'the date is taken in UTC');
  t.equal(utcDaysBetween(at('1969-12-31 12:00:00'), at('1970-01-01 00:00:00')), 1, 'before the epoch too');
});
