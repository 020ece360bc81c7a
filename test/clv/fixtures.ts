// Event fixtures for the customer value tests: ORDER events of customers drawn from the BG/NBD and Gamma-Gamma
// processes (src/clv/simulate.ts), one NEW order per purchase at noon UTC, and a file of them.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { folderOf } from '../helpers/warehouse.js';

/** Orders from 1997-01-01 (CDNOW's parameters unless given), each an ORDER NEW with key o<n>. */
export { simulatedOrderEvents } from '../../src/clv/simulate.js';

/** Writes events to an NDJSON file in the test's folder. */
export async function ndjsonFile(t: Test, events: unknown[], name = 'events.ndjson'): Promise<string> {
  const path = join(folderOf(t), name);
  await writeFile(path, events.map((event) => JSON.stringify(event)).join('\n') + '\n');
  return path;
}
