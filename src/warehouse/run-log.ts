// The run log: one JSON line per refresh of a warehouse, failed ones included, appended beside the
// warehouse file (<DB_PATH>.runs.ndjson) and never rewritten, so the history survives every swap,
// crash and restart. pipeline_runs is built from it; the server reads it without DuckDB.
import { open, readFile, stat } from 'node:fs/promises';
import type { RunSummary } from '../pipeline/run-summary.js';

export function runLogPath(dbPath: string): string {
  return `${dbPath}.runs.ndjson`;
}

/**
 * Appends one run, durably (one write of one line, flushed before it returns). A line a crash cut short is
 * ended first, so it cannot swallow this one.
 */
export async function appendRun(dbPath: string, run: RunSummary): Promise<void> {
  const handle = await open(runLogPath(dbPath), 'a+');
  try {
    const { size } = await handle.stat();
    const last = size > 0 ? (await handle.read(Buffer.alloc(1), 0, 1, size - 1)).buffer[0] : 10;
    await handle.write(`${last === 10 ? '' : '\n'}${JSON.stringify(run)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Every run in the log, oldest first; a line cut short by a crash is skipped, a run logged twice counted once. */
export async function readRuns(dbPath: string): Promise<RunSummary[]> {
  let text: string;
  try {
    text = await readFile(runLogPath(dbPath), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const runs = new Map<string, RunSummary>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    try {
      const run = JSON.parse(line) as RunSummary;
      if (typeof run.run_id === 'string') runs.set(run.run_id, run);
    } catch {
      // the end of a line a crash cut short
    }
  }
  return [...runs.values()];
}

/** The run log as one process follows it: read again only when the file has changed. */
export class RunLogReader {
  #signature = '';
  #runs: readonly RunSummary[] = [];

  constructor(private readonly dbPath: string) {}

  async runs(): Promise<readonly RunSummary[]> {
    let signature: string;
    try {
      const info = await stat(runLogPath(this.dbPath));
      signature = `${info.ino}-${info.size}-${info.mtimeMs}`;
    } catch {
      signature = 'none';
    }
    if (signature !== this.#signature) {
      this.#runs = Object.freeze(await readRuns(this.dbPath));
      this.#signature = signature;
    }
    return this.#runs;
  }
}
