// Pipeline benchmark: refresh time of an input next to the floor, the time DuckDB takes just to read
// every column of the same parquet once.
import { median } from './median.js';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runPipeline } from '../pipeline/run.js';
import { readSnapshotRows } from '../vouchers/snapshot-rows.js';
import { queryRows, sqlString, withDatabase } from '../warehouse/database.js';

export interface PipelineFigures {
  input: string;
  rows: number;
  floorMs: number;
  /** Median of the SQL steps and checks, as recorded in pipeline_runs (started_at to finished_at). */
  pipelineMs: number;
  /** Median of the whole refresh: steps, checks, snapshot load, flush and swap. */
  refreshMs: number;
}


async function floorMs(inputPath: string): Promise<number> {
  return withDatabase(':memory:', {}, async (connection) => {
    const started = performance.now();
    await queryRows(connection, `select bit_xor(hash(columns(*))) from read_parquet(${sqlString(resolve(inputPath))})`);
    return performance.now() - started;
  });
}

export async function benchPipeline(inputPath: string, sqlDir: string, runs: number): Promise<PipelineFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-pipeline-'));
  try {
    const dbPath = join(dir, 'warehouse.duckdb');
    const pipeline: number[] = [];
    const refresh: number[] = [];
    const floors: number[] = [];
    let rows = 0;
    for (let run = 0; run <= runs; run++) {
      floors.push(await floorMs(inputPath));
      const started = performance.now();
      const { summary } = await runPipeline({ inputPath, eventsPath: join(dir, 'events'), dbPath, sqlDir, load: (connection, s) => readSnapshotRows(connection, s.run_id) });
      if (run === 0) continue; // the first run warms the file cache
      refresh.push(performance.now() - started);
      pipeline.push(summary.duration_ms);
      rows = summary.rows_read;
    }
    return { input: inputPath, rows, floorMs: median(floors.slice(1)), pipelineMs: median(pipeline), refreshMs: median(refresh) };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
