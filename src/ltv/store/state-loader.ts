// Restores the incremental state from the compacted store: DuckDB aggregates the parquet with the SQL in
// sql/ltv/state/ (the latest versions, the fingerprints of ids and visits, the timeframe) and hands it over
// in a few large texts, far faster than millions of rows one value at a time. Runs where DuckDB may.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../../warehouse/database.js';
import type { LtvState } from './ltv-state.js';

async function stateQuery<T>(connection: DuckDBConnection, sqlDir: string, name: string): Promise<T[]> {
  return queryRows<T>(connection, await readFile(join(sqlDir, 'ltv', 'state', `${name}.sql`), 'utf8'));
}

interface OrderChunk {
  keys: string[];
  at_ms: number[];
  is_update: boolean[];
  amounts: string[];
  customers: string[];
  new_customers: string[][];
}

/** Loads what compacted_events (on `connection`) holds into `state`. */
export async function loadCompacted(connection: DuckDBConnection, sqlDir: string, state: LtvState): Promise<void> {
  for (const { fingerprints } of await stateQuery<{ fingerprints: string }>(connection, sqlDir, 'event_ids')) {
    state.restore.eventIds(Buffer.from(fingerprints, 'hex'));
  }
  const [frame] = await stateQuery<{ first_ms: number | null; last_ms: number | null }>(
    connection,
    sqlDir,
    'timeframe',
  );
  if (frame?.first_ms != null && frame.last_ms != null) state.restore.timeframe(frame.first_ms, frame.last_ms);
  const customers = await stateQuery<{
    customer_id: string;
    at_ms: number;
    is_update: boolean;
    last_name: string | null;
  }>(connection, sqlDir, 'customers');
  for (const row of customers) {
    state.restore.customer(row.customer_id, {
      at: row.at_ms,
      isUpdate: row.is_update,
      amountCents: null,
      customerId: null,
      lastName: row.last_name,
    });
  }
  for (const { chunk } of await stateQuery<{ chunk: string }>(connection, sqlDir, 'orders')) {
    const orders = JSON.parse(chunk) as OrderChunk;
    orders.keys.forEach((key, i) => {
      const version = {
        at: orders.at_ms[i]!,
        isUpdate: orders.is_update[i]!,
        amountCents: BigInt(orders.amounts[i]!),
        customerId: orders.customers[i]!,
        lastName: null,
      };
      state.restore.order(key, version, orders.new_customers[i]!);
    });
  }
  for (const row of await stateQuery<{ customer_id: string; fingerprints: string }>(connection, sqlDir, 'visits')) {
    state.restore.visits(row.customer_id, Buffer.from(row.fingerprints, 'hex'));
  }
  for (const row of await stateQuery<{ customer_id: string; images: number }>(connection, sqlDir, 'images')) {
    state.restore.images(row.customer_id, row.images);
  }
}
