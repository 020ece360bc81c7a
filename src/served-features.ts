// The features the server serves, with their inputs in the configuration: what a Refresher is made of,
// in the server and in `npm run refresh`. Add a feature's server side here (and its pipeline in features.ts).
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from './config.js';
import type { RefresherOptions } from './pipeline/refresher.js';
import { VOUCHER_FIGURES, vouchersServed } from './vouchers/served.js';
import { EVENTS_FIGURES, LTV_FIGURES } from './ltv/customer-ltv.js';
import { CLV_FIGURES } from './clv/customer-clv.js';

/** Each feature's figures in the run summary, so POST /refresh answers every one. */
export const RUN_FIGURES = [VOUCHER_FIGURES, EVENTS_FIGURES, LTV_FIGURES, CLV_FIGURES];

export function refresherOptions(config: Config, log: FastifyBaseLogger): RefresherOptions {
  return {
    dbPath: config.DB_PATH,
    sqlDir: config.SQL_DIR,
    inputs: { vouchers: config.DATA_PATH, events: config.EVENTS_PATH },
    features: [vouchersServed],
    log,
    followMs: config.FOLLOW_MS,
  };
}
