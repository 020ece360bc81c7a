// Entry point of the store worker: the long-lived process a server starts to keep its event store and the
// incremental lifetime values (src/ltv/store/). Its configuration comes in its environment, set by the server.
import { loadConfig } from './config.js';
import { serveStore } from './ltv/store/worker-loop.js';

const config = loadConfig();
serveStore({ dir: config.EVENTS_PATH, sqlDir: config.SQL_DIR, compactBatches: config.EVENTS_COMPACT_BATCHES });
