// One refresh at a time per warehouse, across processes: the refreshing worker holds DuckDB's own exclusive
// lock on a small database file beside the warehouse (<DB_PATH>.refresh.lock), the lock DuckDB itself uses
// to keep two writers off one file. The kernel releases it when the holder exits, however it dies, so no
// pid is stored, trusted or signalled, and no stale lock is ever taken over by hand.
import { rm } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { AppError } from '../errors.js';
import { firstLine } from './database.js';

export function lockPathFor(dbPath: string): string {
  return `${dbPath}.refresh.lock`;
}

/** Takes the lock or throws 409 REFRESH_IN_PROGRESS (naming the holder's pid); resolves with its release. */
export async function lockRefresh(dbPath: string): Promise<() => void> {
  const path = lockPathFor(dbPath);
  for (let attempt = 0; ; attempt++) {
    try {
      const instance = await DuckDBInstance.create(path);
      return () => instance.closeSync();
    } catch (error) {
      const message = firstLine(error);
      if (/Could not set lock/.test(message)) {
        const holder = /\(PID (\d+)\)/.exec(message)?.[1];
        throw new AppError(
          409,
          'REFRESH_IN_PROGRESS',
          `a refresh of ${dbPath} is already running${holder ? ` (process ${holder})` : ''}; try again when it has finished`,
        );
      }
      // A lock file nobody holds and DuckDB cannot read (cut short as it was made): made anew, once.
      if (attempt === 0 && /not a valid DuckDB database file|truncated|Corrupt/i.test(message)) {
        await rm(path, { force: true });
        continue;
      }
      throw error;
    }
  }
}
