// The customers with the highest lifetime value, read from a customer_ltv table (the warehouse's, or
// an in-memory one): TopXSimpleLTVCustomers(x, D) of the seed. Loads DuckDB: never import it in the server.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows } from '../warehouse/database.js';
import type { CustomerLtv } from './customer-ltv.js';

/** The top `limit` customers, highest LTV first; equal LTVs in customer_id order, so the list is stable. */
export function readTopLtv(connection: DuckDBConnection, limit: number): Promise<CustomerLtv[]> {
  return queryRows<CustomerLtv>(
    connection,
    `select
         customer_id, last_name, ltv::double as ltv, revenue::double as revenue, visits,
         revenue_per_visit::double as revenue_per_visit, round(visits_per_week, 4) as visits_per_week
     from customer_ltv
     order by customer_ltv.ltv desc, customer_id
     limit $limit::bigint`,
    { limit },
  );
}
