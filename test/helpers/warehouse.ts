// Test helpers: a configuration pointing at a test's own folder and the tests' own SQL, and warehouses built
// from fixtures with the real pipeline, so tests read the very tables the service serves.
import { copyFileSync, cpSync, mkdtempSync, rmSync } from 'node:fs';
import { cp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { buildApp } from '../../src/app.js';
import type { Test } from 'tap';
import { loadConfig, type Config } from '../../src/config.js';
import { projectPath } from '../../src/project-root.js';
import type { Loaded } from '../../src/pipeline/refresh.js';
import { Refresher } from '../../src/pipeline/refresher.js';
import { refresherOptions } from '../../src/served-features.js';
import { queryRows, withDatabase } from '../../src/warehouse/database.js';
import { writeVoucherParquet, type VoucherRow } from './voucher-parquet.js';

/** The SQL the service ships (`sql/`), which only the tests that pin the shipped answers run. */
export const SHIPPED_SQL_DIR = projectPath('sql');

/** The segment definitions the tests of the pipeline's mechanics classify with (see that file). */
const FIXTURE_SEGMENT_DEFINITIONS = projectPath('test/vouchers/segment-definitions.sql');

let testSql: string | undefined;

/**
 * The SQL the tests run: a copy of sql/ with the fixture's own segment definitions instead of the shipped
 * ones, made once per test file (tap runs each in its own process) and removed when it ends. So a change to
 * the shipped bounds, as the README's "Changing a segment" makes one, fails only the tests that pin the
 * shipped answers (they run SHIPPED_SQL_DIR and say so), never the tests of how the pipeline works.
 */
export function testSqlDir(): string {
  if (testSql === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'customer-analytics-test-sql-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    cpSync(SHIPPED_SQL_DIR, dir, { recursive: true });
    copyFileSync(FIXTURE_SEGMENT_DEFINITIONS, join(dir, 'vouchers', '060_segment_definitions.sql'));
    testSql = dir;
  }
  return testSql;
}

/** A copy of the tests' SQL in the test's own folder, for a test that edits it; its path. */
export async function copySqlDir(t: Test): Promise<string> {
  const dir = join(folderOf(t), 'sql');
  await cp(testSqlDir(), dir, { recursive: true });
  return dir;
}

/** The server's own configuration, with every path inside `dir`, the tests' SQL and logging off. */
export function testConfig(dir: string, overrides: Partial<Config> = {}): Config {
  return {
    ...loadConfig({}),
    SQL_DIR: testSqlDir(),
    DATA_PATH: join(dir, 'data.parquet.gzip'),
    DB_PATH: join(dir, 'warehouse.duckdb'),
    EVENTS_PATH: join(dir, 'events'),
    LOG_LEVEL: 'silent',
    ...overrides,
  };
}

/** Reads rows from a warehouse file, read-only, as a data engineer would. */
export function readWarehouse<T = Record<string, unknown>>(dbPath: string, sql: string): Promise<T[]> {
  return withDatabase(dbPath, { readOnly: true }, (connection) => queryRows<T>(connection, sql));
}

const folders = new WeakMap<Test, string>();

/** The test's own folder, made once per test (tap's t.testdir() empties it on every call), removed after it. */
export function folderOf(t: Test): string {
  const folder = folders.get(t) ?? t.testdir();
  folders.set(t, folder);
  return folder;
}

/** The test's folder holding the fixture rows as the input parquet, and its configuration. */
export async function fixtureDir(t: Test, rows: VoucherRow[]): Promise<Config> {
  const config = testConfig(folderOf(t));
  await writeVoucherParquet(config.DATA_PATH, rows);
  return config;
}

export interface SegmentVoucher {
  country_code: string;
  segment_name: string;
  segment_variant: string;
  voucher_amount: number;
  voucher_count: number;
  variant_rows: number;
}

export function segmentVouchers(dbPath: string): Promise<SegmentVoucher[]> {
  return readWarehouse<SegmentVoucher>(
    dbPath,
    `select country_code, segment_name, segment_variant, voucher_amount, voucher_count, variant_rows
     from segment_vouchers order by country_code, segment_name, segment_variant`,
  );
}

/** A Refresher as the server makes it, silent. */
export function refresherFor(config: Config): Refresher {
  return new Refresher(refresherOptions(config, pino({ level: 'silent' })));
}

/** Runs the real pipeline (as POST /refresh does) over the fixture rows; returns the configuration it used. */
export async function refreshWith(t: Test, rows: VoucherRow[]): Promise<Config> {
  const config = await fixtureDir(t, rows);
  await refresherFor(config).refresh();
  return config;
}

/** 2020-06-01 noon UTC: "today" for API tests, so day counts do not move with the calendar. */
export const TODAY = new Date('2020-06-01T12:00:00Z');

/** The app exactly as the server builds it, over the fixture rows, with the clock pinned to TODAY. */
export async function appWith(
  t: Test,
  rows: VoucherRow[],
  overrides: Partial<Config> = {},
): Promise<{ app: FastifyInstance; config: Config }> {
  const config = { ...(await fixtureDir(t, rows)), ...overrides };
  const app = await buildApp(config, { clock: () => TODAY });
  t.teardown(() => app.close());
  return { app, config };
}

/**
 * One warehouse per test file: the pipeline runs once over the rows, and each app made by the returned
 * function serves that run (no worker, no refresh) from its own folder for events. For route tests that
 * read what a refresh produced but never refresh themselves.
 */
export async function sharedRun(
  t: Test,
  rows: VoucherRow[],
): Promise<(t: Test) => Promise<{ app: FastifyInstance; config: Config }>> {
  const config = await fixtureDir(t, rows);
  const loaded = await (
    await import('../../src/pipeline/worker-process.js')
  ).runWorker<Loaded>({
    kind: 'refresh',
    request: {
      dbPath: config.DB_PATH,
      sqlDir: config.SQL_DIR,
      inputs: { vouchers: config.DATA_PATH, events: config.EVENTS_PATH },
      options: {},
    },
  });
  return async (t) => {
    const own = { ...config, EVENTS_PATH: join(folderOf(t), 'events') };
    const app = await buildApp(own, { clock: () => TODAY, loaded });
    t.teardown(() => app.close());
    return { app, config: own };
  };
}
