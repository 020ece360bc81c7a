// Order ids shared by the NEW orders of different customers: the rule of sql/ltv/060_order_conflicts.sql,
// for events held in memory (ingest never loads DuckDB). Pure; it finds conflicts, it never resolves one.
import { checkEvent } from './events.js';

/** One NEW order of a conflicting id: its customer, its time (UTC ISO 8601) and its amount in USD ("12.34"). */
export interface NewOrder {
  customer_id: string;
  event_at: string;
  amount: string;
}

/** An order id used by the NEW orders of two or more customers, with each distinct NEW (by customer, time, amount). */
export interface OrderConflict {
  order_id: string;
  new_orders: NewOrder[];
  /** Where the whole data set is known (the SQL): the customer the order counts for, and its amount. */
  counted_customer_id?: string;
  counted_amount?: string;
}

/** "0012.30 USD" as the SQL's decimal reads it: "12.30". */
function amountOf(totalAmount: string): string {
  return totalAmount.slice(0, totalAmount.indexOf(' ')).replace(/^0+(?=\d)/, '');
}

function compareOrders(a: NewOrder, b: NewOrder): number {
  const cents = (order: NewOrder) => BigInt(order.amount.replace('.', ''));
  if (a.customer_id !== b.customer_id) return a.customer_id < b.customer_id ? -1 : 1;
  if (a.event_at !== b.event_at) return a.event_at < b.event_at ? -1 : 1;
  return cents(a) < cents(b) ? -1 : cents(a) > cents(b) ? 1 : 0;
}

/** The conflicts among `events` (any values: those ingest would reject are ignored), by order id. */
export function findOrderConflicts(events: Iterable<unknown>): OrderConflict[] {
  const byId = new Map<string, Map<string, NewOrder>>();
  for (const value of events) {
    const verdict = checkEvent(value);
    if ('reason' in verdict) continue;
    const event = value as Record<string, string>;
    if (event.type !== 'ORDER' || event.verb !== 'NEW') continue;
    const order = { customer_id: event.customer_id!, event_at: verdict.eventAt, amount: amountOf(event.total_amount!) };
    const orders = byId.get(event.key!) ?? new Map<string, NewOrder>();
    byId.set(event.key!, orders);
    orders.set(JSON.stringify(order), order);
  }
  return [...byId]
    .filter(([, orders]) => new Set([...orders.values()].map((order) => order.customer_id)).size > 1)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([orderId, orders]) => ({ order_id: orderId, new_orders: [...orders.values()].sort(compareOrders) }));
}
