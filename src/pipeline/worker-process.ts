// Starts a pipeline worker process for one request and returns its answer: the only way the server
// reaches DuckDB. A worker that dies without answering is a 500, never a hung request.
import { fork } from 'node:child_process';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../errors.js';
import type { WorkerReply, WorkerRequest, WorkerResults } from './worker.js';

// worker.js beside this file once built; worker.ts when run from source (tests), with the same loader flags.
const WORKER = fileURLToPath(new URL(`./worker${extname(fileURLToPath(import.meta.url))}`, import.meta.url));

/** Runs one request in a fresh worker process and returns its result; a worker that dies without one is a 500. */
export function runWorker<K extends WorkerRequest['kind']>(request: Extract<WorkerRequest, { kind: K }>): Promise<WorkerResults[K]> {
  return new Promise((resolve, reject) => {
    const worker = fork(WORKER, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    let reply: WorkerReply<K> | undefined;
    worker.once('message', (message: WorkerReply<K>) => (reply = message));
    worker.once('error', (error) => reject(new AppError(500, 'PIPELINE_FAILED', `cannot start the pipeline worker: ${error.message}`, true)));
    worker.once('exit', (code, signal) => {
      if (!reply) reject(new AppError(500, 'PIPELINE_CRASHED', `the pipeline worker ended (${signal ?? `exit code ${code}`}) before answering`, true));
      else if (reply.ok) resolve(reply);
      else reject(new AppError(reply.error.statusCode, reply.error.code, reply.error.message, true));
    });
    worker.send(request);
  });
}
