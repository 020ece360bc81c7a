// A description of the machine a benchmark ran on, so figures are read against their hardware.
import { cpus, totalmem, platform, release } from 'node:os';
import { queryRows, withDatabase } from '../warehouse/database.js';

export async function describeMachine(): Promise<string> {
  const [duckdb] = await withDatabase(':memory:', {}, (connection) =>
    queryRows<{ version: string }>(connection, 'select version() as version'),
  );
  const cpu = cpus();
  return [
    `${cpu.length} x ${cpu[0]?.model ?? 'unknown CPU'}`,
    `${(totalmem() / 2 ** 30).toFixed(0)} GiB memory`,
    `${platform()} ${release()}`,
    `Node ${process.version}`,
    `DuckDB ${duckdb?.version ?? 'unknown'}`,
  ].join(', ');
}
