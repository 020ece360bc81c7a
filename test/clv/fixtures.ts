// Event fixtures for the customer value tests: a file of events (the events themselves come from
// simulatedOrderEvents in src/clv/simulate.ts).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Test } from 'tap';
import { folderOf } from '../helpers/warehouse.js';

/** Writes events to an NDJSON file in the test's folder. */
export async function ndjsonFile(t: Test, events: unknown[], name = 'events.ndjson'): Promise<string> {
  const path = join(folderOf(t), name);
  await writeFile(path, events.map((event) => JSON.stringify(event)).join('\n') + '\n');
  return path;
}
