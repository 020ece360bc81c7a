// The pipeline worker's request loop: a short-lived process that runs one refresh, reads what the server
// serves out of an existing warehouse, or runs one feature job, with DuckDB; it sends the answer over IPC
// and exits. So the server never loads DuckDB, and a native crash or a large refresh cannot take it down.
// Knows no feature: src/worker.ts, the entry point, hands it the list.
import { AppError } from '../errors.js';
import { withDatabase } from '../warehouse/database.js';
import { fileSignature, removeBuilds } from '../warehouse/files.js';
import { lockRefresh } from '../warehouse/file-lock.js';
import type { PipelineFeature } from './feature.js';
import { onStep, type StepProgress } from './progress.js';
import { loadParts, refresh, type Loaded, type RefreshRequest } from './refresh.js';
import { readServedRun } from './run-record.js';

export type WorkerRequest =
  | { kind: 'refresh'; request: RefreshRequest }
  /** What the server serves from an existing warehouse; with cleanup, first removes a crashed refresh's builds. */
  | { kind: 'read'; dbPath: string; sqlDir: string; cleanup?: boolean }
  | { kind: 'job'; feature: string; job: string; params: unknown; sqlDir: string };

export type WorkerReply =
  { ok: true; result: unknown } | { ok: false; error: { statusCode: number; code: string; message: string } };

/** What a worker sends: its progress as it goes (see progress.ts), then its one reply. */
export type WorkerMessage = WorkerReply | { progress: StepProgress };

export interface ReadResult extends Loaded {
  /** Build files a crashed refresh left, removed before reading. */
  removed: string[];
}

/** Removes builds left by a refresh that died, unless a live one holds the lock (its files are its own). */
async function removeDeadBuilds(dbPath: string): Promise<string[]> {
  let unlock: () => void;
  try {
    unlock = await lockRefresh(dbPath);
  } catch (error) {
    if (error instanceof AppError && error.code === 'REFRESH_IN_PROGRESS') return [];
    throw error;
  }
  try {
    return await removeBuilds(dbPath);
  } finally {
    unlock();
  }
}

async function read(
  features: readonly PipelineFeature[],
  request: Extract<WorkerRequest, { kind: 'read' }>,
): Promise<ReadResult> {
  const removed = request.cleanup ? await removeDeadBuilds(request.dbPath) : [];
  const signature = await fileSignature(request.dbPath);
  return withDatabase(request.dbPath, { readOnly: true }, async (connection) => {
    const summary = await readServedRun(connection, request.sqlDir);
    if (!summary) throw new Error('it records no successful pipeline run');
    return { summary, parts: await loadParts(features, connection, summary.run_id), removed, signature };
  });
}

async function serve(features: readonly PipelineFeature[], request: WorkerRequest): Promise<unknown> {
  if (request.kind === 'refresh') return refresh(features, request.request);
  if (request.kind === 'read') return read(features, request);
  const job = features.find((feature) => feature.name === request.feature)?.jobs?.[request.job];
  if (!job) throw new Error(`no job ${request.feature}.${request.job}`);
  return job(request.params, { sqlDir: request.sqlDir });
}

function failure(error: unknown): WorkerReply {
  if (error instanceof AppError) {
    return { ok: false, error: { statusCode: error.statusCode, code: error.code, message: error.message } };
  }
  return {
    ok: false,
    error: {
      statusCode: 500,
      code: 'PIPELINE_FAILED',
      message: error instanceof Error ? error.message : String(error),
    },
  };
}

/** Answers the one request this process is started for, then lets it exit. */
export function serveWorker(features: readonly PipelineFeature[]): void {
  let answered = false;
  // A server that dies mid-refresh closes the channel: abandon the build at once (the kernel frees the
  // refresh lock, the next refresh removes the build). SIGKILL rather than exit(): exit handlers could
  // wait on a DuckDB query still running.
  process.on('disconnect', () => {
    if (!answered) process.kill(process.pid, 'SIGKILL');
  });
  // The steps run here are reported to the process that asked, which shows them if anyone watches.
  onStep((progress) => {
    if (process.connected) process.send?.({ progress } satisfies WorkerMessage);
  });
  process.once('message', (request: WorkerRequest) => {
    serve(features, request)
      .then((result): WorkerReply => ({ ok: true, result }), failure)
      .then((reply) => {
        answered = true;
        process.send?.(reply, () => process.disconnect());
      });
  });
}
