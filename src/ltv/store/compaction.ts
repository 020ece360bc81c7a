// Compaction: the batch files of the event store become Hive-partitioned parquet (typed columns beside
// each event's original JSON), judged once more by the SQL rules on the way (sql/events: a stored event
// the SQL would reject stops the compaction, which leaves the files as they are). A batch file is removed
// only after the parquet holding its events is durable; a crash at any point leaves each event readable
// exactly once (store-input.ts), and the next compaction finishes the job. One compaction per store at a time.
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fsync } from '../../fsync.js';
import { AppError } from '../../errors.js';
import { sqlString, withDatabase } from '../../warehouse/database.js';
import { LockHeld, takeLock } from '../../warehouse/file-lock.js';
import { runFeatureSql } from '../../pipeline/in-memory.js';
import { batchFiles, COMPACTED, compactedFiles } from './layout.js';
import { attachStoreFiles } from './store-input.js';
import { readFile } from 'node:fs/promises';

export interface Compaction {
  id: string;
  batches: number;
  events: number;
  files: string[];
  ms: number;
}

const STAGING = '.compacting-';

/** Removes what a compaction that died left (its staging folder); only while holding the compaction lock. */
async function removeStaging(dir: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.startsWith(STAGING)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/**
 * Compacts the store's batch files (the oldest `maxBatches` of them) into parquet; undefined when there was
 * nothing to do or another process is compacting.
 */
export async function compactStore(
  dir: string,
  sqlDir: string,
  maxBatches = Number.POSITIVE_INFINITY,
): Promise<Compaction | undefined> {
  let unlock: () => void;
  try {
    unlock = await takeLock(join(dir, 'compaction.lock'));
  } catch (error) {
    if (error instanceof LockHeld) return undefined;
    throw error;
  }
  try {
    await removeStaging(dir);
    const batches = (await batchFiles(dir)).slice(0, maxBatches);
    if (batches.length === 0) return undefined;
    const started = performance.now();
    const id = `${new Date().toISOString().replace(/[-:.]/g, '')}-${process.pid}`;
    const staging = join(dir, `${STAGING}${id}`);
    const parquet = (await compactedFiles(dir)).map((file) => join(dir, file));
    const events = await withDatabase(':memory:', {}, async (connection) => {
      await attachStoreFiles(connection, { batches: batches.map((name) => join(dir, name)), parquet });
      // The rules judge every event once more; a stored event they refuse fails the check stored_events_agree.
      await runFeatureSql(connection, sqlDir, 'events');
      const copy = await readFile(join(sqlDir, 'events', 'compaction', 'compacted_events.sql'), 'utf8');
      const written = await connection.runAndReadAll(
        `copy (${copy}) to ${sqlString(staging)} (format parquet, compression zstd, partition_by (event_month), filename_pattern 'part_{i}')`,
      );
      return Number(written.getRows()[0]?.[0] ?? 0);
    });
    const files = await publish(dir, staging, id);
    // Only now, with every event in durable parquet, may the batch files go.
    for (const name of batches) await rm(join(dir, name), { force: true });
    await fsync(dir);
    await rm(staging, { recursive: true, force: true });
    return { id, batches: batches.length, events, files, ms: Math.round(performance.now() - started) };
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      500,
      'COMPACTION_FAILED',
      `cannot compact the event store ${dir}: ${(error as Error).message}`,
      true,
      { cause: error },
    );
  } finally {
    unlock();
  }
}

/** Moves each staged month file into compacted/event_month=.../<id>.parquet, durably; returns their paths. */
async function publish(dir: string, staging: string, id: string): Promise<string[]> {
  const published: string[] = [];
  let months: string[];
  try {
    months = (await readdir(staging)).filter((name) => name.startsWith('event_month='));
  } catch {
    return published;
  }
  for (const month of months.sort()) {
    const parts = (await readdir(join(staging, month))).filter((name) => name.endsWith('.parquet')).sort();
    const target = join(dir, COMPACTED, month);
    await mkdir(target, { recursive: true });
    for (const [n, part] of parts.entries()) {
      const from = join(staging, month, part);
      const to = join(target, `${id}${parts.length > 1 ? `-${n}` : ''}.parquet`);
      await fsync(from);
      await rename(from, to);
      published.push(relative(dir, to));
    }
    await fsync(target);
    await fsync(join(dir, COMPACTED));
  }
  return published;
}
