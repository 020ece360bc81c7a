// Event builders for the lifetime value tests: each fixture states only what its rule needs.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { folderOf } from '../helpers/warehouse.js';

type Event = Record<string, unknown>;

export const customer = (key: string, at: string, fields: Event = {}): Event => ({
  type: 'CUSTOMER',
  verb: 'NEW',
  key,
  event_time: at,
  last_name: 'Smith',
  adr_city: 'Middletown',
  adr_state: 'AK',
  ...fields,
});
export const visit = (key: string, customerId: string, at: string): Event => ({
  type: 'SITE_VISIT',
  verb: 'NEW',
  key,
  event_time: at,
  customer_id: customerId,
  tags: [{ 'some key': 'some value' }],
});
export const image = (key: string, customerId: string, at: string): Event => ({
  type: 'IMAGE',
  verb: 'UPLOAD',
  key,
  event_time: at,
  customer_id: customerId,
  camera_make: 'Canon',
  camera_model: 'EOS 80D',
});
export const order = (key: string, customerId: string, at: string, amount: string, verb = 'NEW'): Event => ({
  type: 'ORDER',
  verb,
  key,
  event_time: at,
  customer_id: customerId,
  total_amount: amount,
});

/** The four events of ltv-events.md's sample: one customer, one visit, one image, one order of 12.34 USD, all in one week. */
export const SEED_EVENTS: Event[] = [
  customer('96f55c7d8f42', '2017-01-06T12:46:46.384Z'),
  visit('ac05e815502f', '96f55c7d8f42', '2017-01-06T12:45:52.041Z'),
  image('d8ede43b1d9f', '96f55c7d8f42', '2017-01-06T12:47:12.344Z'),
  order('68d84e5d1a43', '96f55c7d8f42', '2017-01-06T12:55:55.555Z', '12.34 USD'),
];

/** Writes events to a file in the test's folder: a JSON array, or NDJSON when the name ends in .ndjson. */
export async function eventFile(t: Test, events: unknown[], name = 'events.json'): Promise<string> {
  const path = join(folderOf(t), name);
  const text = name.endsWith('.ndjson')
    ? events.map((event) => JSON.stringify(event)).join('\n') + '\n'
    : JSON.stringify(events, null, 2);
  await writeFile(path, text);
  return path;
}
