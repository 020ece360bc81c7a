// The median of a list of measurements: what every benchmark reports, being robust to this machine's noise.
export const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
