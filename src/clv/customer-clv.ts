// One customer's modelled value as GET /customers/top-clv and `npm run ltv -- model` show it: one TypeBox schema,
// its type derived from it, and the customer value feature's figures in the run summary. No DuckDB: the server loads it.
import { Type, type Static } from '@sinclair/typebox';

/** The forecast horizon, in weeks: its default (also the warehouse's), and the longest GET /customers/top-clv takes. */
export const DEFAULT_HORIZON_WEEKS = 52;
export const MAX_HORIZON_WEEKS = 520;

export const CustomerClv = Type.Object({
  customer_id: Type.String(),
  last_name: Type.Union([Type.String(), Type.Null()]),
  frequency: Type.Integer({ description: 'repeat purchases: UTC days with an order after the first one' }),
  recency_weeks: Type.Number({ description: 'from the first purchase day to the last one' }),
  t_weeks: Type.Number({ description: "from the first purchase day to the as-of date (the data's last day)" }),
  monetary_value: Type.Union([Type.Number(), Type.Null()], {
    description: 'USD: the mean of the repeat purchase days; null without repeat purchases',
  }),
  p_alive: Type.Number({ description: 'probability that the customer is still buying (BG/NBD)' }),
  expected_purchases: Type.Number({ description: 'expected purchase days over the horizon (BG/NBD)' }),
  expected_value: Type.Number({
    description: 'USD: expected purchases times the expected spend per purchase (Gamma-Gamma)',
  }),
});

export type CustomerClv = Static<typeof CustomerClv>;

/** The customer value model's figures in the run summary (the columns of sql/clv/run_summary.sql). */
export const CLV_FIGURES = {
  clv_customers: Type.Integer({ description: 'customers with an order, in customer_clv' }),
  clv_status: Type.String({ description: 'fitted or not_fitted (clv_model says why)' }),
  clv_reason: Type.Union([Type.String(), Type.Null()]),
  clv_log_likelihood: Type.Union([Type.Number(), Type.Null()], { description: 'of the BG/NBD fit' }),
};
