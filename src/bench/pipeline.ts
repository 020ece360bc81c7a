// Pipeline growth: the refresh of the shipped sample and of generated inputs 10 and 100 times larger,
// each run as `npm run refresh` runs it (its own processes, so its peak memory is its own), beside the
// floor: DuckDB reading every column of the same parquet once, also in a process of its own.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Config } from '../config.js';
import { timedCommand } from './command.js';
import { count, mb, ms, ratio, seconds, type Say, median } from './report.js';
import { voucherInput } from './inputs.js';

interface RefreshFigures {
  label: string;
  rows: number;
  floorMs: number;
  floorPeakMb: number;
  /** The SQL steps and checks, as the run records them (pipeline_runs.started_at to finished_at). */
  pipelineMs: number;
  /** The whole command: node, the pipeline worker, the steps, the snapshot, the flush and the swap. */
  commandMs: number;
  peakMb: number;
  runs: number;
}

/** One `npm run refresh` (as node dist/cli.js refresh) into `dir`, with an empty event store. */
async function refresh(inputPath: string, dir: string, sqlDir: string) {
  const env = { EVENTS_PATH: join(dir, 'events'), SQL_DIR: sqlDir, LOG_LEVEL: 'silent' };
  const run = await timedCommand(
    ['dist/cli.js', 'refresh', '--input', inputPath, '--db', join(dir, 'warehouse.duckdb')],
    env,
  );
  const succeeded = /succeeded in (\d+) ms/.exec(run.stdout);
  const rows = /rows: (\d+) read/.exec(run.stdout);
  if (!succeeded || !rows) throw new Error(`unexpected refresh output: ${run.stdout.slice(0, 500)}`);
  return { ...run, pipelineMs: Number(succeeded[1]), rows: Number(rows[1]) };
}

async function floor(inputPath: string) {
  const run = await timedCommand(['dist/bench/parquet-floor.js', inputPath]);
  return { ms: Number(run.stdout.trim()), peakMb: run.peakMb };
}

/** `runs` refreshes of one input, each after a floor, following `warmUps` unmeasured ones (file cache, code cache). */
async function benchInput(
  label: string,
  inputPath: string,
  runs: number,
  warmUps: number,
  sqlDir: string,
): Promise<RefreshFigures> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-pipeline-'));
  try {
    for (let run = 0; run < warmUps; run++) await refresh(inputPath, dir, sqlDir);
    const floors = [];
    const refreshes = [];
    for (let run = 0; run < runs; run++) {
      floors.push(await floor(inputPath));
      refreshes.push(await refresh(inputPath, dir, sqlDir));
    }
    return {
      label,
      rows: refreshes[0]!.rows,
      floorMs: median(floors.map((f) => f.ms)),
      floorPeakMb: Math.max(...floors.map((f) => f.peakMb)),
      pipelineMs: median(refreshes.map((r) => r.pipelineMs)),
      commandMs: median(refreshes.map((r) => r.ms)),
      peakMb: Math.max(...refreshes.map((r) => r.peakMb)),
      runs,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export async function pipelineSection(config: Config, say: Say): Promise<void> {
  const inputs: [string, string, number, number][] = [
    [`${config.DATA_PATH} (the sample)`, config.DATA_PATH, 5, 1],
    ['10x (generated)', await voucherInput(10, config.SQL_DIR), 3, 1],
    ['100x (generated)', await voucherInput(100, config.SQL_DIR), 1, 0],
  ];
  const figures: RefreshFigures[] = [];
  for (const [label, path, runs, warmUps] of inputs) {
    figures.push(await benchInput(label, path, runs, warmUps, config.SQL_DIR));
  }

  say('## Pipeline growth (`node dist/cli.js refresh --input FILE`, empty event store; median of the runs)');
  say();
  say(
    '| input | rows | runs | floor: read every column | refresh: SQL steps and checks | refresh / floor | per million rows | whole command | peak memory, refresh | peak memory, floor |',
  );
  say('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const f of figures) {
    say(
      `| ${f.label} | ${count(f.rows)} | ${f.runs} | ${ms(f.floorMs)} | ${ms(f.pipelineMs)} | ${ratio(f.pipelineMs / f.floorMs)} | ` +
        `${ms(f.pipelineMs / (f.rows / 1e6))} | ${seconds(f.commandMs)} | ${mb(f.peakMb)} | ${mb(f.floorPeakMb)} |`,
    );
  }
  const [sample, , largest] = figures;
  if (sample && largest) {
    say();
    say(
      `From the sample to 100x: ${ratio(largest.rows / sample.rows)} the rows, ${ratio(largest.pipelineMs / sample.pipelineMs)} the refresh time, ${ratio(largest.floorMs / sample.floorMs)} the floor.`,
    );
  }
  say();
}
