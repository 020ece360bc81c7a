// One refresh at a time per warehouse, across processes: the server's refreshes and `npm run refresh`
// share a lock file beside the warehouse that names its owner's pid and its starter's. It is created
// exclusively and removed when the refresh ends; a lock whose owner died (a crash, a SIGKILL) is taken over.
import { link, readFile, rm, writeFile } from 'node:fs/promises';
import { AppError } from '../errors.js';
import { isAlive } from '../process-alive.js';

export function lockPathFor(dbPath: string): string {
  return `${dbPath}.refresh-lock`;
}

/** The lock's owner, and the process that started it (the server or `npm run refresh`). */
async function lockOwner(dbPath: string): Promise<{ pid: number; parent: number } | undefined> {
  try {
    const [pid, parent] = (await readFile(lockPathFor(dbPath), 'utf8')).trim().split(' ').map(Number);
    return { pid: pid!, parent: parent! };
  } catch {
    return undefined;
  }
}

/**
 * The pid of the process refreshing this warehouse now, if one is alive. A refresher whose starter died
 * (a server killed mid-refresh) is a worker still dying: it would abandon its build anyway, so it is
 * ended here, and its lock and build file do not outlive a restart.
 */
export async function refreshingPid(dbPath: string): Promise<number | undefined> {
  const owner = await lockOwner(dbPath);
  if (!owner || !isAlive(owner.pid)) return undefined;
  if (isAlive(owner.parent)) return owner.pid;
  process.kill(owner.pid, 'SIGKILL');
  for (let waited = 0; waited < 1_000 && isAlive(owner.pid); waited += 10) await new Promise((resolve) => setTimeout(resolve, 10));
  return undefined;
}

/** Takes the lock or throws 409 REFRESH_IN_PROGRESS; resolves with the function that releases it. */
export async function lockRefresh(dbPath: string): Promise<() => Promise<void>> {
  const path = lockPathFor(dbPath);
  // Written whole under a private name, then linked into place: the lock never exists without its pid.
  const mine = `${path}.${process.pid}`;
  await writeFile(mine, `${process.pid} ${process.ppid}\n`);
  try {
    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        await link(mine, path);
        return () => rm(path, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const owner = await refreshingPid(dbPath);
      if (owner !== undefined) {
        throw new AppError(409, 'REFRESH_IN_PROGRESS', `a refresh of ${dbPath} is already running (process ${owner}); try again when it has finished`);
      }
      await rm(path, { force: true }); // its owner died: take it over
    }
  } finally {
    await rm(mine, { force: true });
  }
  throw new AppError(409, 'REFRESH_IN_PROGRESS', `another process keeps taking the refresh lock of ${dbPath}; try again`);
}
