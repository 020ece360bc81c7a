// The SQL that defines the warehouse, as files on disk: each feature's numbered steps, run in order,
// its checks and its run summary; and the runner's own files under sql/runner/. Only reads the folder.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface SqlFile {
  /** Path relative to the SQL folder, e.g. `vouchers/070_segment_vouchers.sql`: how errors name the file. */
  name: string;
  text: string;
}

export interface FeatureSql {
  feature: string;
  steps: SqlFile[];
  checks: SqlFile[];
  /** One row of figures for the run summary and pipeline_runs (sql/<feature>/run_summary.sql), if any. */
  summary: SqlFile | undefined;
}

export interface PipelineSql {
  features: FeatureSql[];
  /** sha256 of every file above, so a run records exactly which SQL produced it. */
  checksum: string;
}

async function readFolder(root: string, folder: string, pattern: RegExp): Promise<SqlFile[]> {
  let names: string[];
  try {
    names = (await readdir(join(root, folder))).filter((name) => pattern.test(name)).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return Promise.all(
    names.map(async (name) => ({ name: join(folder, name), text: await readFile(join(root, folder, name), 'utf8') })),
  );
}

/** Reads the SQL of the given features, in the order given. */
export async function readPipelineSql(root: string, features: readonly string[]): Promise<PipelineSql> {
  const read: FeatureSql[] = [];
  for (const feature of features) {
    const summary = await readFolder(root, feature, /^run_summary\.sql$/);
    read.push({
      feature,
      steps: await readFolder(root, feature, /^\d+_\w+\.sql$/),
      checks: await readFolder(root, join(feature, 'checks'), /^\w+\.sql$/),
      summary: summary[0],
    });
  }
  const hash = createHash('sha256');
  for (const file of read.flatMap((feature) => [
    ...feature.steps,
    ...feature.checks,
    ...(feature.summary ? [feature.summary] : []),
  ])) {
    hash.update(file.name).update('\0').update(file.text).update('\0');
  }
  return { features: read, checksum: hash.digest('hex') };
}

/** One of the runner's own SQL files (sql/runner/<name>.sql). */
export async function readRunnerSql(root: string, name: string): Promise<SqlFile> {
  const path = join('runner', `${name}.sql`);
  return { name: path, text: await readFile(join(root, path), 'utf8') };
}
