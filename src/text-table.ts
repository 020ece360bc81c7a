// Formats query results as a plain text table for the terminal. Pure: no I/O.

function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export interface TableOptions {
  /** Which columns to align to the right; by default those whose values are all numbers. */
  rightAligned?: boolean[];
  /** The row count to report when `rows` is only the first part of the result ("(12,345 rows, 100 shown)"). */
  note?: string;
}

/** Column names over a rule, then one line per row; numbers right-aligned. */
export function formatTable(columns: string[], rows: unknown[][], options: TableOptions = {}): string {
  const text = rows.map((row) => row.map(cell));
  const numeric =
    options.rightAligned ??
    columns.map(
      (_, index) =>
        rows.length > 0 &&
        rows.every((row) => row[index] === null || typeof row[index] === 'number' || typeof row[index] === 'bigint'),
    );
  const widths = columns.map((name, index) => Math.max(name.length, ...text.map((row) => row[index]!.length)));
  const line = (values: string[]) =>
    values
      .map((value, index) => (numeric[index] ? value.padStart(widths[index]!) : value.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const count = options.note ?? `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
  return [line(columns), rule, ...text.map(line), count].join('\n');
}
