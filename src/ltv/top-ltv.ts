// TopXSimpleLTVCustomers(x, D) for the command line: the top customers computed by the SQL in sql/ltv,
// in memory, either from one event file alone or from the event store. Writes nothing but a temporary
// folder, which it removes.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { runLtvInMemory } from '../pipeline/run.js';
import { readEventFile } from './event-file.js';
import { checkEvent } from './events.js';
import type { Rejection } from './ingest.js';
import type { CustomerLtv } from './customer-ltv.js';
import { readTopLtv } from './ltv-rows.js';

export interface TopLtv {
  customers: CustomerLtv[];
  rejected: Rejection[];
}

/** The line the SQL reads for an accepted event: its UTC time and the fields sql/ltv uses, nothing else. */
function ltvLine(event: Record<string, unknown>, eventAt: string): string {
  const { type, verb, key, customer_id, last_name, total_amount } = event;
  return JSON.stringify({ event_at: eventAt, event: { type, verb, key, customer_id, last_name, total_amount } });
}

/** The top `x` customers of one event file, computed from that file alone; its bad events are listed, not fatal. */
export async function topLtvFromFile(path: string, x: number, sqlDir: string): Promise<TopLtv> {
  const dir = await mkdtemp(join(tmpdir(), 'ltv-events-'));
  try {
    const out = createWriteStream(join(dir, 'events.ndjson'));
    const rejected: Rejection[] = [];
    try {
      for await (const values of readEventFile(path)) {
        let text = '';
        for (const raw of values) {
          const verdict = raw.error === undefined ? checkEvent(raw.value) : { reason: raw.error };
          if ('reason' in verdict) rejected.push({ index: raw.index, reason: verdict.reason });
          else text += `${ltvLine(raw.value as Record<string, unknown>, verdict.eventAt)}\n`;
        }
        if (!out.write(text)) await once(out, 'drain');
      }
    } finally {
      out.end();
      await once(out, 'close');
    }
    const customers = await runLtvInMemory({ eventsPath: dir, sqlDir, read: (connection) => readTopLtv(connection, x) });
    return { customers, rejected };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** The top `x` customers of every event in the store. */
export async function topLtvFromStore(eventsPath: string, x: number, sqlDir: string): Promise<TopLtv> {
  const customers = await runLtvInMemory({ eventsPath, sqlDir, read: (connection) => readTopLtv(connection, x) });
  return { customers, rejected: [] };
}
