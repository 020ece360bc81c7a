// The CDNOW sample (data/cdnow/CDNOW_sample.txt, the public benchmark of the BG/NBD papers) as ORDER events, so the
// customer value model can be checked against the published fits through the whole service: one ORDER NEW per line,
// the customer its sample id, at 00:00 UTC of its date, its dollar value as the amount. Writes only `outPath`.
import { readFile, writeFile } from 'node:fs/promises';

export const CDNOW_PATH = 'data/cdnow/CDNOW_sample.txt';

export interface OrderEvent {
  type: 'ORDER';
  verb: 'NEW';
  key: string;
  event_time: string;
  customer_id: string;
  total_amount: string;
}

/** One ORDER NEW per line of the sample (master id, sample id, YYYYMMDD, CDs, dollars); the key is `cdnow-<line>`. */
export function cdnowEvents(text: string): OrderEvent[] {
  const events: OrderEvent[] = [];
  text.split('\n').forEach((line, index) => {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 5) return;
    const [, id, date, , dollars] = fields as [string, string, string, string, string];
    if (!/^\d{8}$/.test(date) || !/^\d+(\.\d+)?$/.test(dollars)) {
      throw new Error(`line ${index + 1} of the CDNOW sample is not "<id> <id> YYYYMMDD <cds> <dollars>": ${line}`);
    }
    events.push({
      type: 'ORDER',
      verb: 'NEW',
      key: `cdnow-${index + 1}`,
      event_time: `${date.slice(0, 4)}-${date.slice(4, 6)}-${date.slice(6, 8)}T00:00:00.000Z`,
      customer_id: String(Number(id)),
      total_amount: `${/^\d+\.\d{2}$/.test(dollars) ? dollars : Number(dollars).toFixed(2)} USD`,
    });
  });
  return events;
}

/** Writes the sample's events as NDJSON; returns how many, and of how many customers. */
export async function writeCdnowEvents(
  outPath: string,
  inPath = CDNOW_PATH,
): Promise<{ events: number; customers: number }> {
  const events = cdnowEvents(await readFile(inPath, 'utf8'));
  await writeFile(outPath, events.map((event) => JSON.stringify(event)).join('\n') + '\n');
  return { events: events.length, customers: new Set(events.map((event) => event.customer_id)).size };
}
