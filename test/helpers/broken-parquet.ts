// Broken voucher inputs made from a good parquet file: cut short, bit-flipped, random, not parquet at all,
// of the wrong shape, a folder. Each says how the refresh must refuse it. Deterministic; never touches the original.
import { mkdir, writeFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { resolve } from 'node:path';
import { sqlString, withDatabase } from '../../src/warehouse/database.js';
import { seededRandom } from '../../src/samples/random.js';

export interface BrokenInput {
  name: string;
  /** Writes the broken input at `path` (nothing is there when it is called). */
  write: (path: string) => Promise<void>;
  /** The error code and message the refresh must answer with (a 422). */
  code: string;
  message: RegExp;
}

const UNREADABLE = { code: 'INPUT_UNREADABLE', message: /not a readable parquet file/ };
/** A corrupt data page is found while a SQL step reads it: DuckDB names what it could not decompress. */
const DAMAGED_PAGE = { code: 'INPUT_UNREADABLE', message: /GZIP/ };

const bytesOf = (data: Buffer) => async (path: string) => writeFile(path, data);

function flipped(good: Buffer, offset: number, bit: number): Buffer {
  const copy = Buffer.from(good);
  copy[offset]! ^= 1 << bit;
  return copy;
}

/** Writes the parquet of one SQL query (DuckDB types: the query says which). */
const parquetOf = (query: string) => async (path: string) =>
  withDatabase(':memory:', {}, async (connection) => {
    await connection.run(`copy (${query}) to ${sqlString(resolve(path))} (format parquet, compression gzip)`);
  });

const ROW = {
  timestamp: "'2020-05-20 15:43:38+00:00'",
  country_code: "'Peru'",
  last_order_ts: "'2020-04-19 00:00:00+00:00'",
  first_order_ts: "timestamptz '2019-01-01 00:00:00+00:00'",
  total_orders: "'10.0'",
  voucher_amount: '2640::double',
};

const selectRow = (changes: Partial<Record<keyof typeof ROW, string>>, without: (keyof typeof ROW)[] = []) =>
  `select ${Object.entries({ ...ROW, ...changes })
    .filter(([column]) => !without.includes(column as keyof typeof ROW))
    .map(([column, value]) => `${value} as "${column}"`)
    .join(', ')}`;

/**
 * The broken inputs made from `good` (a gzip-compressed parquet file as DuckDB writes it), one of each kind
 * (two flips). With `more`, more cuts and flips: every sixteenth of the file, the footer, and every page.
 */
export function brokenInputs(good: Buffer, seed: number, more: boolean): BrokenInput[] {
  const random = seededRandom(seed);
  const size = good.length;
  const footerLength = good.readUInt32LE(size - 8);
  // Each column's data page is a gzip stream: 1f 8b 08, a 10-byte header, then the deflated values.
  const pages = [...good.subarray(0, size - 8 - footerLength).entries()]
    .filter(([at, byte]) => byte === 0x1f && good[at + 1] === 0x8b && good[at + 2] === 8)
    .map(([at]) => at);
  const cuts = more
    ? [4, ...Array.from({ length: 15 }, (_, sixteenth) => Math.floor((size * (sixteenth + 1)) / 16)), size - 1]
    : [Math.floor(size / 2)];
  const pageFlips = more
    ? pages.flatMap((at) => [
        {
          name: `a bit flipped in the gzip header of the page at byte ${at}`,
          write: bytesOf(flipped(good, at, 0)),
          ...DAMAGED_PAGE,
        },
        {
          name: `a bit flipped in the compressed values of the page at byte ${at}`,
          write: bytesOf(flipped(good, at + 10, 0)),
          ...DAMAGED_PAGE,
        },
      ])
    : [
        {
          name: `a bit flipped in the compressed values of the page at byte ${pages[0]}`,
          write: bytesOf(flipped(good, pages[0]! + 10, 0)),
          ...DAMAGED_PAGE,
        },
      ];
  return [
    ...cuts.map((length) => ({
      name: `cut to its first ${length} of ${size} bytes`,
      write: bytesOf(good.subarray(0, length)),
      ...UNREADABLE,
    })),
    { name: 'a bit flipped in the footer length', write: bytesOf(flipped(good, size - 8, 3)), ...UNREADABLE },
    ...(more
      ? [
          {
            name: 'a bit flipped in the closing magic bytes',
            write: bytesOf(flipped(good, size - 1, 2)),
            ...UNREADABLE,
          },
          {
            name: 'a bit flipped at the start of the footer',
            write: bytesOf(flipped(good, size - 8 - footerLength, 0)),
            ...UNREADABLE,
          },
        ]
      : []),
    ...pageFlips,
    {
      name: 'random bytes of the same length',
      write: bytesOf(Buffer.from(Array.from({ length: size }, () => Math.floor(random() * 256)))),
      ...UNREADABLE,
    },
    { name: 'a zero-byte file', write: bytesOf(Buffer.alloc(0)), ...UNREADABLE },
    {
      name: 'a gzip of random bytes',
      write: bytesOf(gzipSync(Buffer.from(Array.from({ length: 4096 }, () => Math.floor(random() * 256))))),
      ...UNREADABLE,
    },
    {
      name: 'a CSV file with the right header',
      write: bytesOf(
        Buffer.from(
          'timestamp,country_code,last_order_ts,first_order_ts,total_orders,voucher_amount\n2020-05-20 15:43:38,Peru,2020-04-19,2019-01-01,10.0,2640\n',
        ),
      ),
      ...UNREADABLE,
    },
    {
      name: 'every column holding text that is not what it should be',
      write: parquetOf(
        selectRow({
          timestamp: "'soon'",
          country_code: "''",
          last_order_ts: "'never'",
          first_order_ts: "'yesterday'",
          total_orders: "'many'",
          voucher_amount: "'a lot'",
        }),
      ),
      code: 'DATA_CHECK_FAILED',
      message: /input_has_clean_rows/,
    },
    {
      name: 'country_code a list and voucher_amount a boolean',
      write: parquetOf(selectRow({ country_code: "['Peru']", voucher_amount: 'true' })),
      code: 'INPUT_SCHEMA_MISMATCH',
      message: /country_code|voucher_amount/,
    },
    {
      name: 'without the timestamp, total_orders and voucher_amount columns',
      write: parquetOf(selectRow({}, ['timestamp', 'total_orders', 'voucher_amount'])),
      code: 'INPUT_SCHEMA_MISMATCH',
      message: /timestamp, total_orders, voucher_amount/,
    },
    {
      name: 'the right columns and no rows',
      write: parquetOf(`${selectRow({})} where false`),
      code: 'DATA_CHECK_FAILED',
      message: /input_has_clean_rows/,
    },
    {
      name: 'a folder instead of a file',
      write: async (path) => {
        await mkdir(path);
      },
      code: 'INPUT_UNREADABLE',
      message: /not a file/,
    },
    { name: 'no file at all', write: async () => undefined, code: 'INPUT_NOT_FOUND', message: /not found/ },
  ];
}
