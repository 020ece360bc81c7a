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
  ['4eb660043738', 'Jones', 240592.86, 12955.0, 442, 29.31, 15.7857],
  ['9e8cd3a41098', 'Smith', 159061.69, 8564.86, 273, 31.37, 9.75],
  ['97673695f1a9', 'Williams', 140400.19, 7560.01, 340, 22.24, 12.1429],
  ['0a9ccb5452cf', "O'Brien", 139754.64, 7525.25, 341, 22.07, 12.1786],
  ['3753d405cd73', 'Garcia', 136314.47, 7340.01, 294, 24.97, 10.5],
  ['71e6a7f79565', 'Müller', 112718.17, 6069.44, 286, 21.22, 10.2143],
  ['7cdbd4a852cc', 'Johnson', 109261.47, 5883.31, 345, 17.05, 12.3214],
  ['ecb2b8606b73', 'Johnson', 96065.36, 5172.75, 318, 16.27, 11.3571],
  ['f23d8e7bcf65', 'Miller', 88798.73, 4781.47, 227, 21.06, 8.1071],
  ['8540b7e5c86b', 'Miller', 84353.1, 4542.09, 346, 13.13, 12.3571],
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
