// Reads what a voucher snapshot is built from out of a warehouse connection, with parameterized
// queries. Runs in the pipeline worker (and benchmarks) only: the server never loads DuckDB.
import type { DuckDBConnection } from '@duckdb/node-api';
import { queryRows, type Params } from '../warehouse/database.js';
import type { SnapshotRows } from './snapshot.js';

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

/** The run that produced a warehouse file: the latest one recorded in it. */
export async function latestRunId(connection: DuckDBConnection): Promise<string | undefined> {
  const [row] = await queryRows<{ run_id: string }>(connection, 'select run_id from pipeline_runs order by finished_at desc limit 1');
  return row?.run_id;
}
