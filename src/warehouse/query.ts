// `npm run query`: read-only SQL over the warehouse for data engineers. With a statement it prints the result as
// a table; without, it opens the interactive prompt (query-prompt.ts). Every run opens the warehouse read-only,
// runs and closes it, so a refresh is never blocked. Throws for cli.ts to report; never exits the process.
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import { loadConfig } from '../config.js';
import { formatTable } from '../text-table.js';
import { withDatabase } from './database.js';
import { isNumeric, valueText } from './value-text.js';

export interface StatementResult {
  columns: string[];
  rows: string[][];
  rightAligned: boolean[];
  /** False when the statement has more rows than were read (maxRows). */
  complete: boolean;
}

/** Opens the warehouse read-only for `work`, and closes it after; a clear error when there is none yet. */
export async function withWarehouse<T>(dbPath: string, work: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
  if (!existsSync(dbPath)) throw new Error(`no warehouse at ${dbPath}: run npm run refresh (or npm start) first`);
  return withDatabase(dbPath, { readOnly: true }, work);
}

/**
 * Runs each statement of `sql` on the warehouse, read-only, in one open of the file, and hands each result to
 * `onResult` as it comes (so the results before a failing statement are shown); reads at most `maxRows` rows
 * of each when given.
 */
export async function runStatements(
  dbPath: string,
  sql: string,
  onResult: (result: StatementResult) => void,
  maxRows?: number,
): Promise<void> {
  await withWarehouse(dbPath, async (connection) => {
    const statements = await connection.extractStatements(sql);
    for (let index = 0; index < statements.count; index++) {
      const prepared = await statements.prepare(index);
      const reader =
        maxRows === undefined ? await prepared.runAndReadAll() : await prepared.streamAndReadUntil(maxRows + 1);
      const rows = reader.getRows();
      const shown = maxRows === undefined ? rows : rows.slice(0, maxRows);
      onResult({
        columns: reader.columnNames(),
        rows: shown.map((row) => row.map((value) => valueText(value))),
        rightAligned: reader.columnTypes().map(isNumeric),
        complete: shown.length === rows.length && reader.done,
      });
    }
  });
}

/** A result as a table; a statement without columns (SET, ...) as nothing. */
export function formatResult(result: StatementResult): string | undefined {
  if (result.columns.length === 0) return undefined;
  const count = result.rows.length;
  const note = result.complete
    ? undefined
    : `(the first ${count} rows: there are more; add a limit, or .maxrows N to show more)`;
  return formatTable(result.columns, result.rows, { rightAligned: result.rightAligned, note });
}

export async function query(args: string[]): Promise<void> {
  const { values, positionals } = parseArgs({ args, options: { db: { type: 'string' } }, allowPositionals: true });
  const sql = positionals.join(' ').trim();
  const dbPath = values.db ?? loadConfig().DB_PATH;
  if (!sql) {
    const { runPrompt } = await import('./query-prompt.js');
    const failures = await runPrompt({ dbPath, input: process.stdin, output: process.stdout, errors: process.stderr });
    // Statements piped in are a script: like DuckDB's CLI, say that some failed with the exit code.
    if (failures > 0 && !process.stdin.isTTY) throw new Error(`${failures} statement(s) or command(s) failed`);
    return;
  }
  await runStatements(dbPath, sql, (result) => {
    const text = formatResult(result);
    if (text !== undefined) console.log(text);
  });
}
