// Configuration comes from the environment with the seed's defaults; a bad value stops start-up
// with a message that names the variable.
import t from 'tap';
import { loadConfig } from '../src/config.js';

t.test('defaults', async (t) => {
  t.match(loadConfig({}), {
    PORT: 5000,
    HOST: '127.0.0.1',
    DATA_PATH: 'data/data.parquet.gzip',
    DB_PATH: 'data/warehouse.duckdb',
    EVENTS_PATH: 'data/events',
    LOG_LEVEL: 'info',
  });
});

t.test('values from the environment', async (t) => {
  t.match(loadConfig({ PORT: '8080', HOST: '0.0.0.0', LOG_LEVEL: 'warn', DB_PATH: '/tmp/w.duckdb' }), {
    PORT: 8080,
    HOST: '0.0.0.0',
    LOG_LEVEL: 'warn',
    DB_PATH: '/tmp/w.duckdb',
  });
});

t.test('bad values name the variable', async (t) => {
  t.throws(() => loadConfig({ PORT: 'eighty' }), /PORT/);
  t.throws(() => loadConfig({ PORT: '70000' }), /PORT/);
  t.throws(() => loadConfig({ LOG_LEVEL: 'loud' }), /LOG_LEVEL/);
});
