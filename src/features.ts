// The features the pipeline runs, in order: each is a folder sql/<name>/ and a PipelineFeature (its
// src/<name>/pipeline.ts). The worker process runs them; the server registers their routes in app.ts.
// Adding a feature: its SQL folder, its pipeline.ts here, its routes (if any) in app.ts. Loads DuckDB:
// never import it from the server.
import { clvPipeline } from './clv/pipeline.js';
import { eventsPipeline, ltvPipeline } from './ltv/pipeline.js';
import type { PipelineFeature } from './pipeline/feature.js';
import { vouchersPipeline } from './vouchers/pipeline.js';

export const PIPELINE_FEATURES: readonly PipelineFeature[] = [
  vouchersPipeline,
  eventsPipeline,
  ltvPipeline,
  clvPipeline,
];
