// Opening and closing DuckDB files. Every connection works in UTC, whatever the machine's time zone;
// nothing here keeps a handle open past the callback that asked for it.
import { DuckDBInstance, type DuckDBConnection, type DuckDBValue } from '@duckdb/node-api';

export type Params = Record<string, DuckDBValue>;

export interface OpenOptions {
  readOnly?: boolean;
}

/** Opens `path`, runs `work` on a UTC connection, then closes the connection and the instance, even on error. */
export async function withDatabase<T>(
  path: string,
  options: OpenOptions,
  work: (connection: DuckDBConnection) => Promise<T>,
): Promise<T> {
  const instance = await DuckDBInstance.create(path, options.readOnly ? { access_mode: 'READ_ONLY' } : {});
  try {
    const connection = await instance.connect();
    try {
      await connection.run("set TimeZone = 'UTC'");
      return await work(connection);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** Runs a query and returns its rows as plain JSON-ready objects (cast BIGINTs in SQL to get numbers). */
export async function queryRows<T = Record<string, unknown>>(
  connection: DuckDBConnection,
  sql: string,
  params?: Params,
): Promise<T[]> {
  const reader = await connection.runAndReadAll(sql, params);
  return reader.getRowObjectsJson() as T[];
}

/** DuckDB appends the statement and a caret to its messages; the first line says what went wrong. */
export function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0]!.trim();
}

/** Quotes a value as a SQL string literal, for the few statements (paths in read_parquet, ATTACH) that cannot take a parameter. */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
