// What a feature plugs into the pipeline runner, and the runner never imports a feature: features import
// this file, and the worker's entry point (src/worker.ts) lists them. A feature is its SQL folder
// (sql/<name>/: numbered steps, checks/, run_summary.sql) plus the hooks below. Runs in the pipeline worker.
import type { DuckDBConnection } from '@duckdb/node-api';

/** One feature's part of a run: the connection to the database being built (or read) and its input. */
export interface FeatureRun {
  connection: DuckDBConnection;
  runId: string;
  /** This feature's input, as the refresh request names it (a path, or whatever the feature accepts). */
  input: unknown;
  /** The refresh request's options (the body of POST /refresh): each feature reads what it knows. */
  options: Record<string, unknown>;
}

export interface PipelineFeature {
  /** Its folder under sql/, and its key in inputs and in what the server loads. */
  readonly name: string;
  /**
   * Creates the views its first SQL step reads (raw_*) over its input, and sets the SQL variables its
   * run_summary.sql reads. Throws an AppError (422) for an input that cannot be used. May return what
   * to undo once the run is over (a snapshot of files to release).
   */
  attach?(run: FeatureRun): Promise<void | (() => Promise<void>)>;
  /** Work SQL cannot do (fitting a model), after its SQL steps and before the checks; writes tables. */
  compute?(run: FeatureRun): Promise<void>;
  /** What the server serves from a warehouse (just built, or an existing one): plain JSON. */
  load?(connection: DuckDBConnection, runId: string): Promise<unknown>;
  /** Refuses a refresh whose result the caller did not want (an AppError, 422); nothing changes. */
  verify?(run: FeatureRun, loaded: unknown): void;
  /** Named jobs the server or the CLI can run in a worker (e.g. lifetime values from an event file). */
  jobs?: Record<string, (params: unknown, context: JobContext) => Promise<unknown>>;
}

export interface JobContext {
  sqlDir: string;
}
