// DuckDB values as people write them, for query results on a terminal: maps as DuckDB's own CLI prints them
// ({missing_voucher_amount=29567, duplicate_row=12}), lists as [a, b], structs as {'x': 1}, NULL as NULL;
// not the JSON of @duckdb/node-api ([{"key": ..., "value": ...}]). Pure: formats, never queries.
import {
  DuckDBArrayValue,
  DuckDBListValue,
  DuckDBMapValue,
  DuckDBStructValue,
  DuckDBTypeId,
  DuckDBUnionValue,
  type DuckDBType,
  type DuckDBValue,
} from '@duckdb/node-api';

/** Inside a map, list or struct, text that could be read as part of the nesting is quoted ('a, b'). */
const AMBIGUOUS = /^$|^\s|\s$|[,'"[\]{}=]|^null$/i;

/** One value as text; `nested` for an element of a map, list or struct. */
export function valueText(value: DuckDBValue, nested = false): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return nested && AMBIGUOUS.test(value) ? `'${value.replaceAll("'", "''")}'` : value;
  if (value instanceof DuckDBMapValue) {
    return `{${value.entries.map(({ key, value: entry }) => `${valueText(key, true)}=${valueText(entry, true)}`).join(', ')}}`;
  }
  if (value instanceof DuckDBListValue || value instanceof DuckDBArrayValue) {
    return `[${value.items.map((item) => valueText(item, true)).join(', ')}]`;
  }
  if (value instanceof DuckDBStructValue) {
    return `{${Object.entries(value.entries)
      .map(([name, entry]) => `'${name}': ${valueText(entry, true)}`)
      .join(', ')}}`;
  }
  if (value instanceof DuckDBUnionValue) return valueText(value.value, nested);
  // Numbers, booleans, and DuckDB's dates, times, decimals, UUIDs and blobs, whose toString() is DuckDB's text.
  return String(value);
}

const NUMERIC = new Set<DuckDBTypeId>([
  DuckDBTypeId.TINYINT,
  DuckDBTypeId.SMALLINT,
  DuckDBTypeId.INTEGER,
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UTINYINT,
  DuckDBTypeId.USMALLINT,
  DuckDBTypeId.UINTEGER,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.UHUGEINT,
  DuckDBTypeId.FLOAT,
  DuckDBTypeId.DOUBLE,
  DuckDBTypeId.DECIMAL,
]);

/** Whether a column of this type holds numbers, which a table aligns to the right. */
export function isNumeric(type: DuckDBType): boolean {
  return NUMERIC.has(type.typeId);
}
