// The SQL that defines the warehouse, as files on disk: numbered steps run in order, then checks.
// Only reads the folder; running the statements is the pipeline runner's job.
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

/** Feature folders under sql/, in the order their steps run. */
export const STAGES = ['vouchers', 'ltv'] as const;

export type Stage = (typeof STAGES)[number];

export interface SqlFile {
  /** Path relative to the SQL folder, e.g. `vouchers/060_segment_vouchers.sql`: how errors name the file. */
  name: string;
  text: string;
}

export interface Pipeline {
  /** Written by the runner itself: the pipeline_runs table. */
  runsTable: SqlFile;
  steps: SqlFile[];
  checks: SqlFile[];
  /** sha256 of every file above, so a run records exactly which SQL produced it. */
  checksum: string;
}

async function readFolder(root: string, folder: string, pattern: RegExp): Promise<SqlFile[]> {
  const names = (await readdir(join(root, folder))).filter((name) => pattern.test(name)).sort();
  return Promise.all(names.map(async (name) => ({ name: join(folder, name), text: await readFile(join(root, folder, name), 'utf8') })));
}

export async function readPipeline(root: string, stages: readonly Stage[] = STAGES): Promise<Pipeline> {
  const runsTable = { name: 'pipeline_runs.sql', text: await readFile(join(root, 'pipeline_runs.sql'), 'utf8') };
  const steps: SqlFile[] = [];
  const checks: SqlFile[] = [];
  for (const stage of stages) {
    steps.push(...(await readFolder(root, stage, /^\d+_\w+\.sql$/)));
    checks.push(...(await readFolder(root, join(stage, 'checks'), /^\w+\.sql$/)));
  }
  const hash = createHash('sha256');
  for (const file of [runsTable, ...steps, ...checks]) hash.update(file.name).update('\0').update(file.text).update('\0');
  return { runsTable, steps, checks, checksum: hash.digest('hex') };
}
