// The pipeline's own short-lived process: runs a refresh, reads the served warehouse, or computes the
// lifetime values from the event store, with DuckDB; sends what the server serves over IPC, and exits. So the server process never loads
// DuckDB: a native crash or the memory of a large refresh cannot take the service down with it.
import { AppError } from '../errors.js';
import { MAX_TOP, type CustomerLtv } from '../ltv/customer-ltv.js';
import { readTopLtv } from '../ltv/ltv-rows.js';
import { withDatabase } from '../warehouse/database.js';
import { latestRunId, readSnapshotRows } from '../vouchers/snapshot-rows.js';
import { countryKey, type SnapshotRows } from '../vouchers/snapshot.js';
import type { RunSummary } from './run-summary.js';
import { runLtvInMemory, runPipeline } from './run.js';

export type WorkerRequest =
  | { kind: 'refresh'; inputPath: string; eventsPath: string; dbPath: string; sqlDir: string; countryCode?: string }
  | { kind: 'read'; dbPath: string }
  | { kind: 'ltv'; eventsPath: string; sqlDir: string };

/** What each kind of request answers. */
export interface WorkerResults {
  read: { rows: SnapshotRows };
  refresh: { rows: SnapshotRows; summary: RunSummary; topLtv: CustomerLtv[] };
  ltv: { topLtv: CustomerLtv[] };
}

export type WorkerReply<K extends WorkerRequest['kind'] = WorkerRequest['kind']> =
  | ({ ok: true } & WorkerResults[K])
  | { ok: false; error: { statusCode: number; code: string; message: string } };

async function serve(request: WorkerRequest): Promise<WorkerReply> {
  if (request.kind === 'read') {
    const rows = await withDatabase(request.dbPath, { readOnly: true }, async (connection) => {
      const runId = await latestRunId(connection);
      if (!runId) throw new Error('it records no pipeline run');
      return readSnapshotRows(connection, runId);
    });
    return { ok: true, rows };
  }
  if (request.kind === 'ltv') {
    return { ok: true, topLtv: await runLtvInMemory({ events: { store: request.eventsPath }, sqlDir: request.sqlDir, read: (connection) => readTopLtv(connection, MAX_TOP) }) };
  }
  const { summary, loaded } = await runPipeline({
    ...request,
    load: async (connection, run) => {
      const rows = await readSnapshotRows(connection, run.run_id);
      const wanted = request.countryCode;
      if (wanted !== undefined && !rows.countries.some((country) => country.country_key === countryKey(wanted))) {
        throw new AppError(422, 'UNKNOWN_COUNTRY', `the input has no clean rows for country_code ${JSON.stringify(wanted)}; nothing was changed`);
      }
      return { rows, topLtv: await readTopLtv(connection, MAX_TOP) };
    },
  });
  return { ok: true, summary, ...loaded };
}

function failure(error: unknown): WorkerReply {
  if (error instanceof AppError) return { ok: false, error: { statusCode: error.statusCode, code: error.code, message: error.message } };
  return { ok: false, error: { statusCode: 500, code: 'PIPELINE_FAILED', message: error instanceof Error ? error.message : String(error) } };
}

let answered = false;
// A server that dies mid-refresh closes the channel: abandon the build at once (the next start removes
// it and the lock). SIGKILL rather than exit(): exit handlers could wait on a DuckDB query still running.
process.on('disconnect', () => {
  if (!answered) process.kill(process.pid, 'SIGKILL');
});
process.once('message', (request: WorkerRequest) => {
  serve(request)
    .catch(failure)
    .then((reply) => {
      answered = true;
      process.send?.(reply, () => process.disconnect());
    });
});
