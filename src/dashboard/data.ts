// What the dashboard reads (GET /dashboard/data.json): the served run, every voucher answer and the data quality
// of that run, and the recent run history, from what the server holds in memory and the run log. No DuckDB here.
import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox';
import type { RefreshFailure, Refresher } from '../pipeline/refresher.js';
import { RefreshFailureSchema } from '../pipeline/routes.js';
import { runSummarySchema, type RunSummary } from '../pipeline/run-summary.js';
import { SelectVoucherRequest } from '../vouchers/routes.js';
import { SEED_REQUEST } from '../vouchers/seed-request.js';
import { variantKey, type VoucherSnapshot } from '../vouchers/snapshot.js';

/** How many runs the history shows, newest first. */
export const RECENT_RUNS = 30;

const Nullable = <T extends TSchema>(schema: T) => Type.Union([schema, Type.Null()]);

export const VoucherAnswer = Type.Object({
  country_code: Type.String(),
  segment_name: Type.String(),
  segment_variant: Type.String(),
  basis: Type.Unsafe<'segment' | 'country'>({
    type: 'string',
    enum: ['segment', 'country'],
    description: "segment: the variant's own most used amount; country: the variant has no data here, so the country's",
  }),
  voucher_amount: Type.Number({ description: 'what POST /select-voucher answers for a customer of this variant' }),
  voucher_count: Nullable(
    Type.Integer({ description: 'rows of the variant that chose that amount; null on the country basis' }),
  ),
  variant_rows: Type.Integer({ description: "the variant's clean rows in this country" }),
  country_voucher_amount: Type.Number({ description: "the country's fallback: its most used amount overall" }),
});

const CountryVoucher = Type.Object({
  country_code: Type.String(),
  voucher_amount: Type.Number({ description: "the most used amount among all the country's clean rows" }),
  voucher_count: Type.Integer(),
  country_rows: Type.Integer(),
});

const SegmentVariant = Type.Object({
  segment_name: Type.String(),
  segment_variant: Type.String(),
  measure: Type.String({ description: 'total_orders or days_since_last_order' }),
  lower_bound: Type.Number(),
  upper_bound: Nullable(Type.Number({ description: 'inclusive; null: no upper limit' })),
});

export const DataQualityRule = Type.Object({
  rule: Type.String(),
  effect: Type.String({ description: 'rejected, or not counted toward <segment>' }),
  rows: Type.Integer({ description: 'input rows the rule touched' }),
});

const Counts = Type.Record(Type.String(), Type.Integer());

export const RunRow = Type.Object({
  run_id: Type.String(),
  status: Type.Unsafe<'succeeded' | 'failed'>({ type: 'string', enum: ['succeeded', 'failed'] }),
  started_at: Type.String(),
  finished_at: Type.String(),
  duration_ms: Type.Integer(),
  is_served: Type.Boolean({ description: 'whether this server serves this run' }),
  rows_read: Type.Optional(Type.Integer()),
  rows_kept: Type.Optional(Type.Integer()),
  rows_rejected: Type.Optional(Type.Integer()),
  rejected_by_rule: Type.Optional(Counts),
  excluded_by_rule: Type.Optional(Counts),
  events_read: Type.Optional(Type.Integer()),
  customers: Type.Optional(Type.Integer()),
  error_code: Type.Optional(Type.String({ description: 'a failed run: why' })),
  error_message: Type.Optional(Type.String()),
});

/** GET /dashboard/data.json's answer, with the run summary's schema for the figures the features declare. */
export function dashboardDataSchema(figures: TProperties[]) {
  return Type.Object({
    generated_at: Type.String({ description: 'when this answer was made (UTC, ISO 8601)' }),
    served: Type.Object({
      run: runSummarySchema(figures),
      loaded_at: Type.String({ description: 'when this server started serving the run' }),
      is_latest: Type.Boolean({ description: 'whether the served run is the one in the warehouse file now' }),
      refreshing: Type.Boolean({ description: 'whether this server is running a refresh' }),
      warehouse_error: Type.Optional(Type.Object({ at: Type.String(), message: Type.String() })),
      last_refresh_failure: Type.Optional(RefreshFailureSchema),
    }),
    vouchers: Type.Object({
      answers: Type.Array(VoucherAnswer, {
        description: 'one row per country, segment and variant: every answer POST /select-voucher can give',
      }),
      countries: Type.Array(CountryVoucher),
      segments: Type.Array(SegmentVariant, { description: 'segment_definitions: the variants and their bounds' }),
    }),
    data_quality: Type.Array(DataQualityRule, { description: "the served run's data_quality table" }),
    runs: Type.Array(RunRow, { description: `the latest ${RECENT_RUNS} refreshes by any process, newest first` }),
    example_request: SelectVoucherRequest,
  });
}

export type DashboardData = Static<ReturnType<typeof dashboardDataSchema>>;

/** Every answer of the snapshot: each country with each defined variant, on its own data or the country's. */
export function voucherAnswers(snapshot: VoucherSnapshot): Static<typeof VoucherAnswer>[] {
  const rows: Static<typeof VoucherAnswer>[] = [];
  const countries = [...snapshot.countries.values()].sort((a, b) => a.countryCode.localeCompare(b.countryCode, 'en'));
  const segments = [...snapshot.segments.entries()].sort(([a], [b]) => a.localeCompare(b, 'en'));
  for (const country of countries) {
    for (const [segmentName, segment] of segments) {
      for (const variant of segment.variants) {
        const answer = country.variants.get(variantKey(segmentName, variant.label));
        rows.push({
          country_code: country.countryCode,
          segment_name: segmentName,
          segment_variant: variant.label,
          basis: answer ? 'segment' : 'country',
          voucher_amount: (answer ?? country.overall).voucherAmount,
          voucher_count: answer ? answer.voucherCount : null,
          variant_rows: answer ? answer.rows : 0,
          country_voucher_amount: country.overall.voucherAmount,
        });
      }
    }
  }
  return rows;
}

function runRow(run: RunSummary, servedRunId: string): Static<typeof RunRow> {
  return { ...(run as Omit<Static<typeof RunRow>, 'is_served'>), is_served: run.run_id === servedRunId };
}

/** The dashboard's data: one served run read once (so every panel shows the same run), and the run log. */
export async function dashboardData(refresher: Refresher): Promise<DashboardData> {
  const [runs, failure] = await Promise.all([refresher.runs(), refresher.lastFailure()]);
  const served = refresher.served;
  const snapshot = served.parts.get('vouchers') as VoucherSnapshot;
  const warehouse = refresher.warehouse;
  return {
    generated_at: new Date().toISOString(),
    served: {
      run: served.run as DashboardData['served']['run'],
      loaded_at: served.loadedAt,
      is_latest: warehouse.runId === served.run.run_id && warehouse.error === undefined,
      refreshing: refresher.running,
      warehouse_error: warehouse.error,
      last_refresh_failure: failure satisfies RefreshFailure | undefined,
    },
    vouchers: {
      answers: voucherAnswers(snapshot),
      countries: [...snapshot.countries.values()]
        .map((country) => ({
          country_code: country.countryCode,
          voucher_amount: country.overall.voucherAmount,
          voucher_count: country.overall.voucherCount,
          country_rows: country.overall.rows,
        }))
        .sort((a, b) => a.country_code.localeCompare(b.country_code, 'en')),
      segments: [...snapshot.segments.entries()]
        .sort(([a], [b]) => a.localeCompare(b, 'en'))
        .flatMap(([segmentName, segment]) =>
          segment.variants.map((variant) => ({
            segment_name: segmentName,
            segment_variant: variant.label,
            measure: segment.measure,
            lower_bound: variant.lower,
            upper_bound: variant.upper,
          })),
        ),
    },
    data_quality: [...snapshot.dataQuality],
    runs: runs
      .slice(-RECENT_RUNS)
      .reverse()
      .map((run) => runRow(run, served.run.run_id)),
    example_request: SEED_REQUEST,
  };
}
