// The immutable in-memory copy of segment_vouchers, country_vouchers and segment_definitions that
// answers /select-voucher: read as rows from the warehouse (in the pipeline worker), built into
// frozen maps (in the server), then only read. Never mutate one.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, type Params } from '../warehouse/database.js';

/** What a segment's bounds are measured on (segment_definitions.measure). */
export type Measure = 'total_orders' | 'days_since_last_order';

export interface Variant {
  label: string;
  lower: number;
  /** null: no upper limit. */
  upper: number | null;
}

export interface Segment {
  measure: Measure;
  variants: readonly Variant[];
}

export interface Answer {
  voucherAmount: number;
  /** Rows that chose the amount, and rows in the variant or country. */
  voucherCount: number;
  rows: number;
}

export interface CountryAnswers {
  countryCode: string;
  /** The most used amount among all the country's clean rows. */
  overall: Answer;
  /** Keyed by variantKey(segment, variant). */
  variants: ReadonlyMap<string, Answer>;
}

export interface VoucherSnapshot {
  runId: string;
  builtAt: string;
  segments: ReadonlyMap<string, Segment>;
  /** Keyed by countryKey(country_code). */
  countries: ReadonlyMap<string, CountryAnswers>;
}

/** Countries are compared trimmed and case-insensitively, the same way the pipeline's country_key is made. */
export function countryKey(countryCode: string): string {
  const padded = /^[ \t\n\r]|[ \t\n\r]$/.test(countryCode);
  return (padded ? countryCode.replace(/^[ \t\n\r]+|[ \t\n\r]+$/g, '') : countryCode).toLowerCase();
}

export function variantKey(segmentName: string, variant: string): string {
  return `${segmentName}\u0000${variant}`;
}

/** The variant whose inclusive bounds hold `value`; the pipeline's checks guarantee at most one. */
export function findVariant(segment: Segment, value: number): Variant | undefined {
  return segment.variants.find((variant) => value >= variant.lower && (variant.upper === null || value <= variant.upper));
}

interface AnswerRow {
  country_key: string;
  country_code: string;
  voucher_amount: number;
  voucher_count: number;
  rows: number;
}

/** What a snapshot is built from: plain rows, so they can cross a process boundary as JSON. */
export interface SnapshotRows {
  runId: string;
  builtAt: string;
  definitions: { segment_name: string; segment_variant: string; measure: Measure; lower_bound: number; upper_bound: number | null }[];
  countries: AnswerRow[];
  variants: (AnswerRow & { segment_name: string; segment_variant: string })[];
}

/** Reads the rows of one run's snapshot from a warehouse connection, with parameterized queries. */
export async function readSnapshotRows(connection: DuckDBConnection, runId: string): Promise<SnapshotRows> {
  const params: Params = { run_id: runId };
  const [run] = await queryRows<{ built_at: string }>(
    connection,
    `select strftime(finished_at, '%Y-%m-%dT%H:%M:%S.%gZ') as built_at from pipeline_runs where run_id = $run_id`,
    params,
  );
  if (!run) throw new Error(`the warehouse records no run ${runId}`);
  return {
    runId,
    builtAt: run.built_at,
    definitions: await queryRows(
      connection,
      'select segment_name, segment_variant, measure, lower_bound, upper_bound from segment_definitions order by segment_name, lower_bound',
    ),
    countries: await queryRows(connection, 'select country_key, country_code, voucher_amount, voucher_count, country_rows as rows from country_vouchers'),
    variants: await queryRows(
      connection,
      'select country_key, country_code, segment_name, segment_variant, voucher_amount, voucher_count, variant_rows as rows from segment_vouchers',
    ),
  };
}

/** Builds the frozen lookup structures the request path reads. */
export function buildSnapshot(rows: SnapshotRows): VoucherSnapshot {
  const segments = new Map<string, Segment>();
  for (const row of rows.definitions) {
    const segment = segments.get(row.segment_name) ?? { measure: row.measure, variants: [] };
    (segment.variants as Variant[]).push(Object.freeze({ label: row.segment_variant, lower: row.lower_bound, upper: row.upper_bound }));
    segments.set(row.segment_name, segment);
  }
  for (const segment of segments.values()) Object.freeze(segment.variants);
  const answer = (row: AnswerRow): Answer => Object.freeze({ voucherAmount: row.voucher_amount, voucherCount: row.voucher_count, rows: row.rows });
  const countryVariants = new Map<string, Map<string, Answer>>();
  for (const row of rows.variants) {
    const byVariant = countryVariants.get(row.country_key) ?? new Map<string, Answer>();
    byVariant.set(variantKey(row.segment_name, row.segment_variant), answer(row));
    countryVariants.set(row.country_key, byVariant);
  }
  const countries = new Map<string, CountryAnswers>(
    rows.countries.map((row) => [
      row.country_key,
      Object.freeze({ countryCode: row.country_code, overall: answer(row), variants: countryVariants.get(row.country_key) ?? new Map() }),
    ]),
  );
  return Object.freeze({ runId: rows.runId, builtAt: rows.builtAt, segments, countries });
}

/** The run that produced a warehouse file: the latest one recorded in it. */
export async function latestRunId(connection: DuckDBConnection): Promise<string | undefined> {
  const [row] = await queryRows<{ run_id: string }>(connection, 'select run_id from pipeline_runs order by finished_at desc limit 1');
  return row?.run_id;
}
