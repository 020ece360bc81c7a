// Running SQL files against a connection: the numbered steps in order, then the checks, each failure
// sorted by cause (the disk, the input, the SQL) and named by file and line. Knows no feature.
import type { DuckDBConnection } from '@duckdb/node-api';
import { AppError } from '../errors.js';
import { firstLine, queryRows } from '../warehouse/database.js';
import type { SqlFile } from './sql-files.js';

const DISK_TROUBLE = /no space left|permission denied|read-only file system|quota exceeded|EACCES|ENOSPC|EROFS|EDQUOT/i;

export function diskError(where: string, error: unknown): AppError {
  return new AppError(
    507,
    'WAREHOUSE_WRITE_FAILED',
    `cannot write the warehouse (${where}): ${firstLine(error)}`,
    true,
    { cause: error },
  );
}

const DISK_CODES = new Set(['ENOSPC', 'EROFS', 'EACCES', 'EPERM', 'EDQUOT', 'EIO']);

/** Whether an error is the file system's (no space, no permission, read-only), by its code or DuckDB's words. */
export function isDiskTrouble(error: unknown): boolean {
  return (
    DISK_CODES.has((error as NodeJS.ErrnoException)?.code ?? '') || DISK_TROUBLE.test(String((error as Error)?.message))
  );
}

/**
 * The line of `text` an error points at: DuckDB's own `LINE n:` marker (parser errors), else the first
 * line outside a comment that names the identifier the message quotes (a missing table or column).
 */
export function errorLine(text: string, message: string): number | undefined {
  const marked = /LINE (\d+):/.exec(message);
  if (marked) return Number(marked[1]);
  const name =
    /(?:name|column|Table|table|function|Column) "?([\w.]+)"? (?:does not exist|not found)/.exec(message)?.[1] ??
    /"([\w.]+)"/.exec(message)?.[1];
  if (!name) return undefined;
  const pattern = new RegExp(`(^|[^\\w])${name.replace(/\./g, '\\.')}([^\\w]|$)`, 'i');
  const lines = text.split('\n');
  const index = lines.findIndex((line) => pattern.test(line.replace(/--.*$/, '')));
  return index >= 0 ? index + 1 : undefined;
}

/** Sorts a failed statement's error: the disk, the input file (DuckDB's IO and invalid-input errors), or the SQL itself. */
export function stepError(file: SqlFile, error: unknown): AppError {
  const message = firstLine(error);
  const line = errorLine(file.text, error instanceof Error ? error.message : String(error));
  const where = `sql/${file.name}${line === undefined ? '' : `, line ${line}`}`;
  if (DISK_TROUBLE.test(message)) return diskError(where, error);
  if (/^(IO|Invalid( Input)?) Error/.test(message)) {
    return new AppError(422, 'INPUT_UNREADABLE', `${where}: ${message}`, true, { cause: error });
  }
  return new AppError(500, 'PIPELINE_FAILED', `${where}: ${message}`, true, { cause: error });
}

export async function runStep(connection: DuckDBConnection, file: SqlFile): Promise<void> {
  try {
    await connection.run(file.text);
  } catch (error) {
    throw stepError(file, error);
  }
}

/** Runs each data check: a query whose rows are the offending ones; the first that returns rows fails the run. */
export async function runChecks(connection: DuckDBConnection, checks: SqlFile[]): Promise<void> {
  for (const check of checks) {
    let offending: Record<string, unknown>[];
    try {
      offending = await queryRows(connection, check.text);
    } catch (error) {
      throw stepError(check, error);
    }
    if (offending.length > 0) {
      const sample = JSON.stringify(offending.slice(0, 3));
      throw new AppError(
        422,
        'DATA_CHECK_FAILED',
        `data check sql/${check.name} failed: ${offending.length} offending row(s), e.g. ${sample}`,
      );
    }
  }
}
