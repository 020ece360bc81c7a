// What a refresh hands every server, also written beside the warehouse (<DB_PATH>.served.json): the run's
// summary, each feature's part, and the signature of the warehouse file it belongs to. A server following
// the warehouse reads it instead of starting a DuckDB worker, but only while the signature says it
// describes the file now in place (a file copied by hand is read by a worker, as before). No DuckDB here.
import { open, readFile, rename, rm } from 'node:fs/promises';
import type { Loaded } from '../pipeline/refresh.js';

export function servedPath(dbPath: string): string {
  return `${dbPath}.served.json`;
}

/** Writes the file whole under a temporary name, then renames it into place. */
export async function writeServed(dbPath: string, loaded: Loaded): Promise<void> {
  const temp = `${servedPath(dbPath)}.${process.pid}.tmp`;
  try {
    const handle = await open(temp, 'w');
    try {
      await handle.writeFile(JSON.stringify(loaded));
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, servedPath(dbPath));
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** What the file says, if it describes the warehouse file with this signature; undefined otherwise. */
export async function readServed(dbPath: string, signature: string): Promise<Loaded | undefined> {
  try {
    const loaded = JSON.parse(await readFile(servedPath(dbPath), 'utf8')) as Loaded;
    return loaded.signature === signature ? loaded : undefined;
  } catch {
    return undefined;
  }
}
