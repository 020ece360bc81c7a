// Runs one node command of this project to its end as a child process and measures it: wall time and
// peak resident memory (of the command and every process it started, from GNU time when present).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';

export interface CommandFigures {
  ms: number;
  /** The largest resident set of the command or of any process it started; NaN without GNU time. */
  peakMb: number;
  stdout: string;
}

const GNU_TIME = '/usr/bin/time';

/** Runs `node ...args` with `env` added to this process's environment; throws with its stderr when it fails. */
export async function timedCommand(args: string[], env: Record<string, string> = {}): Promise<CommandFigures> {
  const useTime = existsSync(GNU_TIME);
  // GNU time's %M is the maximum resident set size, in KiB, of the command and the children it waited for.
  const [file, argv] = useTime ? [GNU_TIME, ['-f', '%M', process.execPath, ...args]] : [process.execPath, args];
  const started = performance.now();
  const child = spawn(file, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => (stdout += chunk));
  child.stderr.on('data', (chunk) => (stderr += chunk));
  const [code] = await once(child, 'exit');
  const ms = performance.now() - started;
  if (code !== 0) throw new Error(`node ${args.join(' ')} failed (exit ${code}): ${stderr.slice(-800)}`);
  const peakKb = useTime ? Number(/(\d+)\s*$/.exec(stderr)?.[1]) : Number.NaN;
  return { ms, peakMb: peakKb / 1024, stdout };
}
