// The progress of a run's SQL files, for a person watching a long refresh or `ltv` command. The runner
// publishes each file as it starts and ends on a diagnostics channel (free when nobody listens); the pipeline
// worker passes what it publishes on to the process that started it; the CLI prints it on a terminal. Never
// changes what a run does, and never writes anything unless asked to.
import { channel } from 'node:diagnostics_channel';

export interface StepProgress {
  /** The file, as errors name it: `vouchers/030_voucher_assignment_counts.sql`. */
  file: string;
  /** Its place among the run's SQL files, steps then checks, from 1. */
  index: number;
  total: number;
  phase: 'start' | 'end';
  /** How long it took (at the end). */
  ms?: number;
}

const steps = channel('customer-analytics:sql-step');

export function publishStep(progress: StepProgress): void {
  if (steps.hasSubscribers) steps.publish(progress);
}

/** Calls `listener` with each step published in this process until the returned function is called. */
export function onStep(listener: (progress: StepProgress) => void): () => void {
  const subscriber = (message: unknown) => listener(message as StepProgress);
  steps.subscribe(subscriber);
  return () => steps.unsubscribe(subscriber);
}

function duration(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}

/**
 * Prints the steps on a terminal, one line each when it ends: `step 5/31 sql/vouchers/030_....sql (2.1 s)`,
 * with the step running shown on the line below until it ends. For a stream that is a TTY only.
 */
export function printSteps(terminal: NodeJS.WritableStream): () => void {
  return onStep(({ file, index, total, phase, ms }) => {
    const line = `step ${index}/${total} sql/${file}`;
    // \r and "erase the line" replace the running step's line with its result.
    if (phase === 'start') terminal.write(`${line} ...`);
    else terminal.write(`\r\x1b[K${line} (${duration(ms ?? 0)})\n`);
  });
}
