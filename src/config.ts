// Service configuration: one TypeBox schema, read once from the environment at start-up.
// Never read process.env anywhere else; pass the Config object down instead.
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

export const ConfigSchema = Type.Object({
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 5000 }),
  HOST: Type.String({ minLength: 1, default: '127.0.0.1' }),
  DATA_PATH: Type.String({ minLength: 1, default: 'data/data.parquet.gzip' }),
  DB_PATH: Type.String({ minLength: 1, default: 'data/warehouse.duckdb' }),
  EVENTS_PATH: Type.String({ minLength: 1, default: 'data/events' }),
  /** Compact the event store into parquet once this many batch files wait (0: only on POST /events/compact). */
  EVENTS_COMPACT_BATCHES: Type.Integer({ minimum: 0, default: 64 }),
  SQL_DIR: Type.String({ minLength: 1, default: 'sql' }),
  /** How often a server looks for a warehouse file replaced by another process, in ms (0: never). */
  FOLLOW_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 200 }),
  /** When set, POST /refresh and POST /events need `Authorization: Bearer <ADMIN_TOKEN>`. */
  ADMIN_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) => Type.Literal(level)),
    { default: 'info' },
  ),
});

export type Config = Static<typeof ConfigSchema>;

/** Reads the configuration from an environment (process.env by default); throws a message naming every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const known = Object.keys(ConfigSchema.properties);
  const raw = Object.fromEntries(
    known.filter((key) => env[key] !== undefined && env[key] !== '').map((key) => [key, env[key]]),
  );
  const value = Value.Convert(ConfigSchema, Value.Default(ConfigSchema, raw));
  if (!Value.Check(ConfigSchema, value)) {
    const problems = [...Value.Errors(ConfigSchema, value)].map((error) => `${error.path.slice(1)}: ${error.message}`);
    throw new Error(`invalid configuration: ${problems.join('; ')}`);
  }
  return value;
}
