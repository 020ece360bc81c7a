// The yardstick for serving benchmarks: a bare Fastify route that returns a constant, with the same
// logger level and body parsing as the service, and an answer of the same shape and size as a real
// /select-voucher answer (so the two differ only in the work the service does). Benchmarks only.
import Fastify from 'fastify';

const app = Fastify({ logger: { level: 'warn' } });
const ANSWER = {
  voucher_amount: 2640,
  country_code: 'Peru',
  segment_name: 'recency_segment',
  segment_variant: '180+',
  basis: 'country',
  run_id: '00000000-0000-4000-8000-000000000000',
};
app.post('/bare', async () => ANSWER);
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
