// The warehouse file's life on disk: build files beside it, an atomic, durable swap, and the removal of
// builds a crashed refresh left behind. Never touches the file's contents.
import { readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { fsync } from '../fsync.js';

const BUILD_MARK = '.building-';

/** The build file of one run, in the warehouse's own folder (so the final rename stays on one file system). */
export function buildPathFor(dbPath: string, runId: string): string {
  return `${dbPath}${BUILD_MARK}${runId}`;
}

/** Removes a build file and the write-ahead log DuckDB may have left beside it. */
export async function discardBuild(buildPath: string): Promise<void> {
  await rm(buildPath, { force: true });
  await rm(`${buildPath}.wal`, { force: true });
}

/**
 * Makes a finished build the warehouse: flushes it, drops a stale write-ahead log of the old file
 * (it must never be replayed against the new one), renames it over the old file and flushes the folder.
 * Readers that still hold the old file keep reading it until they close.
 */
export async function promoteBuild(buildPath: string, dbPath: string): Promise<void> {
  await fsync(buildPath);
  await rm(`${dbPath}.wal`, { force: true });
  await rename(buildPath, dbPath);
  await fsync(dirname(dbPath));
}

/** Deletes every build file beside the warehouse; only for the holder of the refresh lock. Returns their names. */
export async function removeBuilds(dbPath: string): Promise<string[]> {
  let names: string[];
  try {
    names = (await readdir(dirname(dbPath))).filter((name) => name.startsWith(`${basename(dbPath)}${BUILD_MARK}`));
  } catch {
    return [];
  }
  await Promise.all(names.map((name) => rm(join(dirname(dbPath), name), { force: true })));
  return names;
}

/**
 * What identifies the file now at `path`: its inode (a rename puts another in place), size and times (a
 * copy over it changes them); undefined when there is no file. A DuckDB read-only open changes none of them.
 */
export async function fileSignature(path: string): Promise<string | undefined> {
  try {
    const info = await stat(path);
    return `${info.ino}-${info.size}-${info.mtimeMs}-${info.ctimeMs}`;
  } catch {
    return undefined;
  }
}
