// The floor of the pipeline benchmark, as its own process: the time DuckDB takes just to read every
// column of a parquet file once (hashing each value, so nothing can be skipped), printed in ms.
// `node dist/bench/parquet-floor.js FILE`; benchmarks only.
import { resolve } from 'node:path';
import { queryRows, sqlString, withDatabase } from '../warehouse/database.js';

const [path] = process.argv.slice(2);
if (!path) throw new Error('usage: node dist/bench/parquet-floor.js FILE');
const ms = await withDatabase(':memory:', {}, async (connection) => {
  const started = performance.now();
  await queryRows(connection, `select bit_xor(hash(columns(*))) from read_parquet(${sqlString(resolve(path))})`);
  return performance.now() - started;
});
console.log(ms.toFixed(1));
