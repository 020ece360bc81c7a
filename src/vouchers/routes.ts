// POST /select-voucher: classifies a customer with the segment bounds of the served snapshot and answers
// the most used voucher amount. Answers from memory only: it never queries DuckDB.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { AppError } from '../errors.js';
import { errorResponses, TAGS } from '../openapi.js';
import { parseTimestamp, utcDaysBetween } from '../timestamps.js';
import { countryKey, findVariant, variantKey, type Segment, type VoucherSnapshot } from './snapshot.js';

export const SelectVoucherRequest = Type.Object({
  customer_id: Type.Union([Type.Integer(), Type.String({ minLength: 1, maxLength: 256 })]),
  country_code: Type.String({ minLength: 1, maxLength: 256 }),
  last_order_ts: Type.String({ minLength: 1, maxLength: 64, description: 'YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601' }),
  first_order_ts: Type.String({ minLength: 1, maxLength: 64, description: 'YYYY-MM-DD HH:MM:SS (UTC) or ISO 8601' }),
  total_orders: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
  segment_name: Type.String({ minLength: 1, maxLength: 256 }),
});

export const SelectVoucherResponse = Type.Object({
  voucher_amount: Type.Number(),
  country_code: Type.String(),
  segment_name: Type.String(),
  segment_variant: Type.String(),
  // An enum rather than a union of literals: fast-json-stringify resolves a union by running the
  // validator on every response, which cost about 10% of /select-voucher's throughput.
  basis: Type.Unsafe<'segment' | 'country'>({ type: 'string', enum: ['segment', 'country'] }),
  run_id: Type.String(),
});

export interface VoucherRouteOptions {
  /** The snapshot being served now. */
  snapshot: () => VoucherSnapshot;
  /** The clock that "today" and "in the future" are read from; the real one outside tests. */
  clock: () => Date;
}

const TIMESTAMP_HINT = 'use YYYY-MM-DD HH:MM:SS (read as UTC) or ISO 8601, e.g. 2018-05-03T00:00:00Z';

function readTimestamp(field: string, text: string): Date {
  const value = parseTimestamp(text);
  if (!value) {
    throw new AppError(
      400,
      'INVALID_TIMESTAMP',
      `${field} ${JSON.stringify(text)} is not a readable timestamp: ${TIMESTAMP_HINT}`,
    );
  }
  return value;
}

/** How many known countries an UNKNOWN_COUNTRY message names before it only counts the rest. */
const COUNTRIES_NAMED = 10;

/** "the data has Latvia, Peru", or the first COUNTRIES_NAMED in alphabetical order and how many more. */
function knownCountries(snapshot: VoucherSnapshot): string {
  const names = [...snapshot.countries.values()].map((country) => country.countryCode).sort();
  const named = names.slice(0, COUNTRIES_NAMED).join(', ');
  const more = names.length - COUNTRIES_NAMED;
  return more > 0 ? `the data has ${named} and ${more} more (${names.length} in all)` : `the data has ${named}`;
}

function describeMeasure(segment: Segment, value: number): string {
  return segment.measure === 'total_orders' ? `${value} orders` : `${value} days since the last order`;
}

export const voucherRoutes: FastifyPluginAsyncTypebox<VoucherRouteOptions> = async (
  app,
  { snapshot: served, clock },
) => {
  app.post(
    '/select-voucher',
    {
      schema: {
        summary: 'The voucher amount to offer a customer',
        description:
          'Places the customer in a variant of the named segment (segment_definitions: total_orders for ' +
          'frequent_segment, UTC days since last_order_ts for recency_segment) and answers the most used amount of ' +
          "that variant in that country (basis segment), or the country's most used amount when the variant has no " +
          'data there (basis country). Answered from the in-memory snapshot of the served run, named by run_id.',
        tags: [TAGS.vouchers.name],
        body: SelectVoucherRequest,
        response: {
          200: SelectVoucherResponse,
          ...errorResponses({
            400:
              'INVALID_REQUEST (a field missing or of the wrong type), FST_ERR_CTP_INVALID_JSON_BODY, ' +
              'FST_ERR_CTP_EMPTY_JSON_BODY, INVALID_TIMESTAMP, LAST_ORDER_IN_FUTURE, FIRST_ORDER_AFTER_LAST_ORDER, ' +
              'UNKNOWN_SEGMENT (the message lists the defined ones)',
            404: 'UNKNOWN_COUNTRY (no clean data for it), NO_MATCHING_VARIANT (no variant covers the customer)',
            413: 'FST_ERR_CTP_BODY_TOO_LARGE: a body over 1 MiB',
            415: 'FST_ERR_CTP_INVALID_MEDIA_TYPE: a content type other than JSON',
            '4xx': 'another client error',
            '5xx': 'NOT_READY (nothing served yet) or an internal error',
          }),
        },
      },
    },
    async (request): Promise<Static<typeof SelectVoucherResponse>> => {
      const snapshot = served();
      const body = request.body;
      const now = clock();
      const lastOrder = readTimestamp('last_order_ts', body.last_order_ts);
      const firstOrder = readTimestamp('first_order_ts', body.first_order_ts);
      if (lastOrder > now) {
        throw new AppError(400, 'LAST_ORDER_IN_FUTURE', `last_order_ts ${body.last_order_ts} is in the future`);
      }
      if (firstOrder > lastOrder) {
        throw new AppError(
          400,
          'FIRST_ORDER_AFTER_LAST_ORDER',
          `first_order_ts ${body.first_order_ts} is after last_order_ts ${body.last_order_ts}`,
        );
      }

      const segment = snapshot.segments.get(body.segment_name);
      if (!segment) {
        const known = [...snapshot.segments.keys()].join(', ');
        throw new AppError(
          400,
          'UNKNOWN_SEGMENT',
          `segment_name ${JSON.stringify(body.segment_name)} is not defined; use one of: ${known}`,
        );
      }
      const country = snapshot.countries.get(countryKey(body.country_code));
      if (!country) {
        throw new AppError(
          404,
          'UNKNOWN_COUNTRY',
          `no voucher data for country_code ${JSON.stringify(body.country_code)}; ${knownCountries(snapshot)}`,
        );
      }

      const value = segment.measure === 'total_orders' ? body.total_orders : utcDaysBetween(lastOrder, now);
      const variant = findVariant(segment, value);
      if (!variant) {
        throw new AppError(
          404,
          'NO_MATCHING_VARIANT',
          `no ${body.segment_name} variant covers ${describeMeasure(segment, value)}`,
        );
      }

      const answer = country.variants.get(variantKey(body.segment_name, variant.label));
      return {
        voucher_amount: (answer ?? country.overall).voucherAmount,
        country_code: country.countryCode,
        segment_name: body.segment_name,
        segment_variant: variant.label,
        basis: answer ? 'segment' : 'country',
        run_id: snapshot.runId,
      };
    },
  );
};
