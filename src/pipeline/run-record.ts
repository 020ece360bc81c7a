// A run's record in the database being built: each feature's figures (its run_summary.sql), the
// pipeline_runs table made from the run log (sql/runner/pipeline_runs.sql), and the run a warehouse
// was built by (sql/runner/served_run.sql). Knows no feature's figures by name.
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../errors.js';
import { queryRows, sqlString } from '../warehouse/database.js';
import { RUN_COLUMNS, type RunSummary } from './run-summary.js';
import { readRunnerSql, type PipelineSql } from './sql-files.js';
import { runStep, stepError } from './steps.js';

export interface Figures {
  /** Each figure's value, as JSON (maps as objects). */
  values: Record<string, unknown>;
  /** Each figure's DuckDB type, for pipeline_runs. */
  columns: Record<string, string>;
}

/** Runs each feature's run_summary.sql (one row) and gathers its columns' values and types. */
export async function runFigures(connection: DuckDBConnection, sql: PipelineSql): Promise<Figures> {
  const figures: Figures = { values: {}, columns: {} };
  for (const { feature, summary } of sql.features) {
    if (!summary) continue;
    const table = `run_figures_${feature}`;
    try {
      await connection.run(`create or replace temp table ${table} as ${summary.text}`);
    } catch (error) {
      throw stepError(summary, error);
    }
    for (const { column_name, column_type } of await queryRows<{ column_name: string; column_type: string }>(
      connection,
      `select column_name, column_type from (describe ${table})`,
    )) {
      figures.columns[column_name] = column_type;
    }
    const rows = await queryRows<{ figures: string }>(
      connection,
      `select to_json(figures)::varchar as figures from ${table} as figures`,
    );
    if (rows.length !== 1) {
      throw new AppError(500, 'PIPELINE_FAILED', `sql/${summary.name} must return one row, not ${rows.length}`, true);
    }
    Object.assign(figures.values, JSON.parse(rows[0]!.figures));
  }
  return figures;
}

function structLiteral(entries: Record<string, string>): string {
  return `{${Object.entries(entries)
    .map(([name, type]) => `${sqlString(name)}: ${sqlString(type)}`)
    .join(', ')}}`;
}

/** Creates pipeline_runs from the run log files (the log and the current run's line). */
export async function recordRun(
  connection: DuckDBConnection,
  sqlDir: string,
  logFiles: string[],
  figureColumns: Record<string, string>,
): Promise<void> {
  await connection.run(`set variable run_log_files = [${logFiles.map(sqlString).join(', ')}]`);
  await connection.run(`set variable run_log_columns = ${structLiteral({ ...RUN_COLUMNS, ...figureColumns })}`);
  await runStep(connection, await readRunnerSql(sqlDir, 'pipeline_runs'));
}

/** The run that built the warehouse on this connection, as its summary; undefined when it records none. */
export async function readServedRun(connection: DuckDBConnection, sqlDir: string): Promise<RunSummary | undefined> {
  const file = await readRunnerSql(sqlDir, 'served_run');
  let rows: { summary: string; started_at: string; finished_at: string }[];
  try {
    rows = await queryRows(connection, file.text);
  } catch (error) {
    throw stepError(file, error);
  }
  const row = rows[0];
  if (!row) return undefined;
  const summary = Object.fromEntries(
    Object.entries(JSON.parse(row.summary) as Record<string, unknown>).filter(([, value]) => value !== null),
  );
  return { ...summary, started_at: row.started_at, finished_at: row.finished_at } as RunSummary;
}
