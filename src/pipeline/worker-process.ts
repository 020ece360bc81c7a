// Starts a pipeline worker process (the built dist/worker.js, also under tests) for one request and
// returns its answer: the only way the server reaches DuckDB. A worker that dies without answering is a
// 500, never a hung request.
import { fork } from 'node:child_process';
import { AppError } from '../errors.js';
import { projectPath } from '../project-root.js';
import { publishStep } from './progress.js';
import type { WorkerMessage, WorkerReply, WorkerRequest } from './worker-main.js';

/** dist/worker.js: the built worker, also when this module runs from source or from compiled tests. */
export const WORKER_PATH = projectPath('dist/worker.js');

/** Runs one request in a fresh worker process and returns its result; a worker that dies without one is a 500. */
export function runWorker<T>(request: WorkerRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = fork(WORKER_PATH, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
    let reply: WorkerReply | undefined;
    worker.on('message', (message: WorkerMessage) => {
      // Its progress is published here as if the steps ran in this process (progress.ts).
      if ('progress' in message) publishStep(message.progress);
      else reply = message;
    });
    worker.once('error', (error) =>
      reject(new AppError(500, 'PIPELINE_FAILED', `cannot start the pipeline worker: ${error.message}`, true)),
    );
    worker.once('exit', (code, signal) => {
      if (!reply) {
        reject(
          new AppError(
            500,
            'PIPELINE_CRASHED',
            `the pipeline worker ended (${signal ?? `exit code ${code}`}) before answering`,
            true,
          ),
        );
      } else if (reply.ok) resolve(reply.result as T);
      else reject(new AppError(reply.error.statusCode, reply.error.code, reply.error.message, true));
    });
    worker.send(request);
  });
}
