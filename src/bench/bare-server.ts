// The yardstick for serving benchmarks: bare Fastify routes that return constants, with the same
// logger level and body parsing as the service, and answers of the same shape and size as the real
// ones (so the two differ only in the work the service does). Benchmarks only.
import Fastify from 'fastify';

const app = Fastify({ logger: { level: 'warn' } });

/** A /select-voucher answer for the seed request. */
const VOUCHER = {
  voucher_amount: 2640,
  country_code: 'Peru',
  segment_name: 'recency_segment',
  segment_variant: '180+',
  basis: 'country',
  run_id: '00000000-0000-4000-8000-000000000000',
};

/** A /customers/top-ltv answer: the sample events' top 10 (README, "The sample data"). */
const TOP_LTV = [
  ['92dc2d71334a', 'Jones', 299929.13, 16150.03, 391, 41.3, 13.9643],
  ['120511573327', 'Rodriguez', 197206.29, 10618.8, 393, 27.02, 14.0357],
  ['b20d40c688af', 'Johnson', 155425.96, 8369.09, 384, 21.79, 13.7143],
  ['2b88e73a97ed', "O'Brien", 149275.1, 8037.89, 361, 22.27, 12.8929],
  ['a94fa29b123a', 'Müller', 148901.81, 8017.79, 277, 28.95, 9.8929],
  ['0d3dc411325d', 'Brown', 107459.11, 5786.26, 209, 27.69, 7.4643],
  ['437ca412d83c', 'Garcia', 106181.4, 5717.46, 301, 18.99, 10.75],
  ['caaa85a4ec57', 'Smith', 100689.46, 5421.74, 242, 22.4, 8.6429],
  ['182076c9414e', 'Silva', 99586.87, 5362.37, 419, 12.8, 14.9643],
  ['0931f9282ba5', 'Johnson', 99228.63, 5343.08, 279, 19.15, 9.9643],
].map(([customer_id, last_name, ltv, revenue, visits, revenue_per_visit, visits_per_week]) => ({
  customer_id,
  last_name,
  ltv,
  revenue,
  visits,
  revenue_per_visit,
  visits_per_week,
}));

app.post('/bare', async () => VOUCHER);
app.get('/bare-top-ltv', async () => TOP_LTV);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
