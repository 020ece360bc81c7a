// How the benchmark report is written: one line at a time to the console and to bench/results.md,
// with the few number formats every part shares.
export type Say = (line?: string) => void;

export const ms = (value: number): string => `${value.toFixed(0)} ms`;
export const seconds = (valueMs: number): string => `${(valueMs / 1000).toFixed(1)} s`;
export const mb = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(0)} MB` : 'n/a');
export const count = (value: number): string => value.toLocaleString('en');
export const ratio = (value: number): string => `${value.toFixed(1)}x`;

/** The median of a list of measurements: what every benchmark reports, being robust to this machine's noise. */
export const median = (values: number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
