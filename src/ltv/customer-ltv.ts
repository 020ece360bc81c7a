// One customer's lifetime value as the CLI's JSON and GET /customers/top-ltv show it: one TypeBox
// schema, its type derived from it. No DuckDB here, so the server can load it.
import { Type, type Static } from '@sinclair/typebox';

/** The most customers one answer can name: GET /customers/top-ltv's largest limit, and what the server keeps. */
export const MAX_TOP = 1000;

export const CustomerLtv = Type.Object({
  customer_id: Type.String(),
  last_name: Type.Union([Type.String(), Type.Null()]),
  ltv: Type.Number({ description: 'USD, rounded to the cent' }),
  revenue: Type.Number({ description: 'USD' }),
  visits: Type.Integer(),
  revenue_per_visit: Type.Union([Type.Number(), Type.Null()], {
    description: 'USD, rounded to the cent; null without visits',
  }),
  visits_per_week: Type.Number({ description: 'rounded to 4 decimals' }),
});

export type CustomerLtv = Static<typeof CustomerLtv>;

/** The events' figures in the run summary (the columns of sql/events/run_summary.sql). */
export const EVENTS_FIGURES = {
  events_path: Type.String(),
  events_read: Type.Integer(),
  events_compacted: Type.Integer({ description: 'of which read from the compacted parquet' }),
};

/** The lifetime value's figures in the run summary (the columns of sql/ltv/run_summary.sql). */
export const LTV_FIGURES = {
  latest_events: Type.Integer(),
  customers: Type.Integer(),
  order_conflicts: Type.Integer({ description: 'order ids shared by the NEW orders of different customers' }),
};

/**
 * Cents as dollars, through the exact decimal text (as DuckDB writes a decimal): the nearest double, the
 * same whether the amount comes from the SQL or from the incremental state, even past 2^53 cents.
 */
export function dollars(cents: bigint): number {
  const whole = cents / 100n;
  return Number(`${whole}.${String(cents - whole * 100n).padStart(2, '0')}`);
}
