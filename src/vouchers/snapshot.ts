// The immutable in-memory copy of segment_vouchers, country_vouchers and segment_definitions that
// answers /select-voucher: read as rows from the warehouse by the pipeline worker (pipeline.ts),
// built into frozen maps here in the server, then only read; it carries the run's data_quality rows for the
// dashboard. Never mutate one, and never import DuckDB from this file: the server process must not load it.

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
  /** The pipeline run the answers come from. */
  runId: string;
  segments: ReadonlyMap<string, Segment>;
  /** Keyed by countryKey(country_code). */
  countries: ReadonlyMap<string, CountryAnswers>;
  /** The run's data_quality rows: what each cleaning rule did (for the dashboard; never read per request). */
  dataQuality: readonly DataQualityRow[];
}

/** One row of data_quality: a cleaning rule, its effect (rejected, or not counted toward a segment), its input rows. */
export interface DataQualityRow {
  rule: string;
  effect: string;
  rows: number;
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
  return segment.variants.find(
    (variant) => value >= variant.lower && (variant.upper === null || value <= variant.upper),
  );
}

export interface AnswerRow {
  country_key: string;
  country_code: string;
  voucher_amount: number;
  voucher_count: number;
  rows: number;
}

/** What a snapshot is built from: plain rows, so they can cross a process boundary as JSON. */
export interface SnapshotRows {
  definitions: {
    segment_name: string;
    segment_variant: string;
    measure: Measure;
    lower_bound: number;
    upper_bound: number | null;
  }[];
  countries: AnswerRow[];
  variants: (AnswerRow & { segment_name: string; segment_variant: string })[];
  data_quality: DataQualityRow[];
}

/** Builds the frozen lookup structures the request path reads. */
export function buildSnapshot(rows: SnapshotRows, runId: string): VoucherSnapshot {
  const segments = new Map<string, Segment>();
  for (const row of rows.definitions) {
    const segment = segments.get(row.segment_name) ?? { measure: row.measure, variants: [] };
    (segment.variants as Variant[]).push(
      Object.freeze({ label: row.segment_variant, lower: row.lower_bound, upper: row.upper_bound }),
    );
    segments.set(row.segment_name, segment);
  }
  for (const segment of segments.values()) Object.freeze(segment.variants);
  const answer = (row: AnswerRow): Answer =>
    Object.freeze({ voucherAmount: row.voucher_amount, voucherCount: row.voucher_count, rows: row.rows });
  const countryVariants = new Map<string, Map<string, Answer>>();
  for (const row of rows.variants) {
    const byVariant = countryVariants.get(row.country_key) ?? new Map<string, Answer>();
    byVariant.set(variantKey(row.segment_name, row.segment_variant), answer(row));
    countryVariants.set(row.country_key, byVariant);
  }
  const countries = new Map<string, CountryAnswers>(
    rows.countries.map((row) => [
      row.country_key,
      Object.freeze({
        countryCode: row.country_code,
        overall: answer(row),
        variants: countryVariants.get(row.country_key) ?? new Map(),
      }),
    ]),
  );
  const dataQuality = Object.freeze(rows.data_quality.map((row) => Object.freeze({ ...row })));
  return Object.freeze({ runId, segments, countries, dataQuality });
}
