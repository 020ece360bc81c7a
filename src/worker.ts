// Entry point of the pipeline worker process, forked by the server and the CLI for one request.
import { PIPELINE_FEATURES } from './features.js';
import { serveWorker } from './pipeline/worker-main.js';

serveWorker(PIPELINE_FEATURES);
