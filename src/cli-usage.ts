// The error for a command line that cannot be run as typed: cli.ts prints it with the usage text.
export class UsageError extends Error {}
