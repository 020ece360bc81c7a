// GET /customers/top-clv: the customers with the highest modelled value (BG/NBD and Gamma-Gamma), reflecting every
// event accepted before the call. Computed by the store worker (StoreClient), never in this process.
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError, ErrorBody } from '../errors.js';
import { MAX_TOP } from '../ltv/customer-ltv.js';
import type { StoreClient } from '../ltv/store/store-client.js';
import { CustomerClv, DEFAULT_HORIZON_WEEKS, MAX_HORIZON_WEEKS } from './customer-clv.js';

const DEFAULT_TOP = 10;

/** A whole number from 1 to `max` written as such (no sign, no decimals, no exponent), else 0. */
function wholeNumber(raw: string, max: number): number {
  const value = /^\d{1,4}$/.test(raw) ? Number(raw) : 0;
  return value >= 1 && value <= max ? value : 0;
}

export const clvRoutes: FastifyPluginAsyncTypebox<{ store: StoreClient }> = async (app, { store }) => {
  app.get(
    '/customers/top-clv',
    {
      schema: {
        description:
          'The customers with the highest expected value over the horizon: expected purchases (BG/NBD) times expected spend per purchase (Gamma-Gamma), fitted to every order. A 422 MODEL_NOT_FITTED says why the data cannot be fitted.',
        querystring: Type.Object({
          limit: Type.Optional(Type.String({ description: `1 to ${MAX_TOP}, default ${DEFAULT_TOP}` })),
          horizon_weeks: Type.Optional(
            Type.String({ description: `1 to ${MAX_HORIZON_WEEKS}, default ${DEFAULT_HORIZON_WEEKS}` }),
          ),
        }),
        response: { 200: Type.Array(CustomerClv), '4xx': ErrorBody, '5xx': ErrorBody },
      },
    },
    async (request) => {
      const rawLimit = request.query.limit ?? String(DEFAULT_TOP);
      const limit = wholeNumber(rawLimit, MAX_TOP);
      if (limit === 0) {
        throw new AppError(
          400,
          'INVALID_LIMIT',
          `limit must be a whole number from 1 to ${MAX_TOP}, not ${JSON.stringify(rawLimit)}`,
        );
      }
      const rawHorizon = request.query.horizon_weeks ?? String(DEFAULT_HORIZON_WEEKS);
      const horizonWeeks = wholeNumber(rawHorizon, MAX_HORIZON_WEEKS);
      if (horizonWeeks === 0) {
        throw new AppError(
          400,
          'INVALID_HORIZON',
          `horizon_weeks must be a whole number of weeks from 1 to ${MAX_HORIZON_WEEKS}, not ${JSON.stringify(rawHorizon)}`,
        );
      }
      return (await store.clv(limit, horizonWeeks)).customers;
    },
  );
};
