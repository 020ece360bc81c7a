// Event fixtures for the customer value tests: ORDER events of customers drawn from the BG/NBD and Gamma-Gamma
// processes (src/clv/simulate.ts), one NEW order per purchase at noon UTC, and a file of them.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { simulateOrders, type SimulationOptions } from '../../src/clv/simulate.js';
import { folderOf } from '../helpers/warehouse.js';

/** Orders from 1997-01-01 (CDNOW's parameters unless given), each an ORDER NEW with key o<n>. */
export function simulatedEvents(options: SimulationOptions): Record<string, unknown>[] {
  return simulateOrders(options).map(({ customerId, day, cents }, i) => ({
    type: 'ORDER',
    verb: 'NEW',
    key: `o${i}`,
    event_time: new Date(day * 86_400_000 + 12 * 3_600_000).toISOString(),
    customer_id: customerId,
    total_amount: `${cents / 100n}.${String(cents % 100n).padStart(2, '0')} USD`,
  }));
}

/** Writes events to an NDJSON file in the test's folder. */
export async function ndjsonFile(t: Test, events: unknown[], name = 'events.ndjson'): Promise<string> {
  const path = join(folderOf(t), name);
  await writeFile(path, events.map((event) => JSON.stringify(event)).join('\n') + '\n');
  return path;
}
