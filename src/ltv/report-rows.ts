// What `npm run ltv -- top X` reports beside the top customers, read from a run's tables and views: the
// timeframe, each event file's counts, its rejected events, and the order ids that NEW orders of
// different customers share. Loads DuckDB: never import it in the server.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../warehouse/database.js';
import type { Rejection } from './ingest.js';
import type { OrderConflict } from './order-conflicts.js';

/** A rejected event with the file it came from (null for the store). */
export interface FileRejection extends Rejection {
  file: string | null;
}

/** What became of one event file's values. */
export interface FileCounts {
  file: string;
  /** Values in the file, events or not. */
  values: number;
  accepted: number;
  /** Values that are not valid JSON. */
  unreadable: number;
}

/** The data set's timeframe, from its earliest to its latest event, and the calendar weeks it touches. */
export interface Timeframe {
  start_at: string;
  end_at: string;
  weeks: number;
}

/** customer_ltv's timeframe (the same on every row); undefined when there are no customers, so no events. */
export async function readTimeframe(connection: DuckDBConnection): Promise<Timeframe | undefined> {
  const [row] = await queryRows<{ start_ms: number | null; end_ms: number; weeks: number }>(
    connection,
    `select
         epoch_ms(min(timeframe_start_at))::double as start_ms, epoch_ms(max(timeframe_end_at))::double as end_ms,
         max(weeks)::integer as weeks
     from customer_ltv`,
  );
  if (!row || row.start_ms === null) return undefined;
  return {
    start_at: new Date(row.start_ms).toISOString(),
    end_at: new Date(row.end_ms).toISOString(),
    weeks: row.weeks,
  };
}

/** Every rejected event, each with its file and its position in it, in the order of `files`, then of each file. */
export async function readRejections(connection: DuckDBConnection, files: string[]): Promise<FileRejection[]> {
  const rows = await queryRows<FileRejection>(
    connection,
    `select source_file as file, event_index::double as index, rejection_reason as reason
     from rejected_events
     order by event_index`,
  );
  return files.length > 1 ? rows.sort((a, b) => files.indexOf(a.file!) - files.indexOf(b.file!)) : rows;
}

/** How many values each event file held, and how many were accepted or unreadable, by file name. */
export async function readFileCounts(connection: DuckDBConnection): Promise<Map<string, FileCounts>> {
  const rows = await queryRows<FileCounts>(
    connection,
    `select
         source_file as file, count(*)::integer as values,
         count(*) filter (where rejection_reason is null)::integer as accepted,
         count(*) filter (where rejection_reason = 'not valid JSON')::integer as unreadable
     from int_events
     group by source_file`,
  );
  return new Map(rows.map((row) => [row.file, row]));
}

/** Every row of order_conflicts, by order id, each NEW order by customer, time and amount. */
export async function readOrderConflicts(connection: DuckDBConnection): Promise<OrderConflict[]> {
  const rows = await queryRows<{
    order_id: string;
    counted_customer_id: string;
    counted_amount: string;
    customer_id: string;
    at_ms: number;
    amount: string;
  }>(
    connection,
    `with orders as (
         select order_id, counted_customer_id, counted_amount, unnest(new_orders) as new_order from order_conflicts
     )
     select
         order_id, counted_customer_id, counted_amount::varchar as counted_amount, new_order.customer_id,
         epoch_ms(new_order.event_at)::double as at_ms, new_order.amount::varchar as amount
     from orders
     order by order_id, new_order.customer_id, new_order.event_at, new_order.amount`,
  );
  const conflicts = new Map<string, OrderConflict>();
  for (const row of rows) {
    const conflict = conflicts.get(row.order_id) ?? {
      order_id: row.order_id,
      new_orders: [],
      counted_customer_id: row.counted_customer_id,
      counted_amount: row.counted_amount,
    };
    conflicts.set(row.order_id, conflict);
    conflict.new_orders.push({
      customer_id: row.customer_id,
      event_at: new Date(row.at_ms).toISOString(),
      amount: row.amount,
    });
  }
  return [...conflicts.values()];
}
