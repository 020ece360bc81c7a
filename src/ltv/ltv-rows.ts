// The customers with the highest lifetime value, read from a customer_ltv table (the warehouse's, or
// an in-memory one): TopXSimpleLTVCustomers(x, D) of the seed. Loads DuckDB: never import it in the server.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../warehouse/database.js';
import type { CustomerLtv } from './customer-ltv.js';

type Row = Omit<CustomerLtv, 'ltv' | 'revenue' | 'revenue_per_visit'> & {
  ltv: string;
  revenue: string;
  revenue_per_visit: string | null;
};

/** The top `limit` customers, highest LTV first; equal LTVs in customer_id order, so the list is stable. */
export async function readTopLtv(connection: DuckDBConnection, limit: number): Promise<CustomerLtv[]> {
  // Amounts leave DuckDB as their exact decimal text, so every path turns them into numbers the same way.
  const rows = await queryRows<Row>(
    connection,
    `select
         customer_id, last_name, ltv::varchar as ltv, revenue::varchar as revenue, visits,
         revenue_per_visit::varchar as revenue_per_visit, round(visits_per_week, 4) as visits_per_week
     from customer_ltv
     order by customer_ltv.ltv desc, customer_id
     limit $limit::bigint`,
    { limit },
  );
  return rows.map((row) => ({
    ...row,
    ltv: Number(row.ltv),
    revenue: Number(row.revenue),
    revenue_per_visit: row.revenue_per_visit === null ? null : Number(row.revenue_per_visit),
  }));
}
