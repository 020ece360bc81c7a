// Locks across processes: the holder keeps DuckDB's own exclusive lock on a small database file, the lock
// DuckDB itself uses to keep two writers off one file. The kernel releases it when the holder exits, however
// it dies, so no pid is stored, trusted or signalled, and no stale lock is ever taken over by hand.
// Used for one refresh at a time per warehouse (<DB_PATH>.refresh.lock) and one compaction per event store.
import { existsSync } from 'node:fs';
import { link, rm } from 'node:fs/promises';
import { DuckDBInstance } from '@duckdb/node-api';
import { AppError } from '../errors.js';
import { firstLine } from './database.js';

export function lockPathFor(dbPath: string): string {
  return `${dbPath}.refresh.lock`;
}

/**
 * Makes the lock file if there is none: created whole under a private name, then linked into place, so no
 * taker ever sees a half-made file (and deletes it while another holds it).
 */
async function ensureLockFile(path: string): Promise<void> {
  const mine = `${path}.${process.pid}.new`;
  try {
    (await DuckDBInstance.create(mine)).closeSync();
    await link(mine, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await rm(mine, { force: true });
    await rm(`${mine}.wal`, { force: true });
  }
}

/** The process holding a lock, when another does. */
export class LockHeld extends Error {
  constructor(readonly holder: string | undefined) {
    super(`held by process ${holder ?? 'unknown'}`);
  }
}

/** Takes the lock at `path` or throws LockHeld; resolves with its release. */
export async function takeLock(path: string): Promise<() => void> {
  if (!existsSync(path)) await ensureLockFile(path);
  try {
    const instance = await DuckDBInstance.create(path);
    return () => instance.closeSync();
  } catch (error) {
    const message = firstLine(error);
    if (/Could not set lock/.test(message)) throw new LockHeld(/\(PID (\d+)\)/.exec(message)?.[1]);
    throw new Error(`cannot take the lock ${path}: ${message} (if nothing holds it, remove the file)`, {
      cause: error,
    });
  }
}

/** Takes the refresh lock or throws 409 REFRESH_IN_PROGRESS (naming the holder's pid); resolves with its release. */
export async function lockRefresh(dbPath: string): Promise<() => void> {
  try {
    return await takeLock(lockPathFor(dbPath));
  } catch (error) {
    if (!(error instanceof LockHeld)) throw error;
    const by = error.holder ? ` (process ${error.holder})` : '';
    throw new AppError(
      409,
      'REFRESH_IN_PROGRESS',
      `a refresh of ${dbPath} is already running${by}; try again when it has finished`,
    );
  }
}
