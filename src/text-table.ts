// Formats query results as a plain text table for the terminal. Pure: no I/O.

function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Column names over a rule, then one line per row; numbers right-aligned. */
export function formatTable(columns: string[], rows: unknown[][]): string {
  const text = rows.map((row) => row.map(cell));
  const numeric = columns.map(
    (_, index) => rows.length > 0 && rows.every((row) => row[index] === null || typeof row[index] === 'number'),
  );
  const widths = columns.map((name, index) => Math.max(name.length, ...text.map((row) => row[index]!.length)));
  const line = (values: string[]) =>
    values
      .map((value, index) => (numeric[index] ? value.padStart(widths[index]!) : value.padEnd(widths[index]!)))
      .join('  ')
      .trimEnd();
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  const count = `(${rows.length} row${rows.length === 1 ? '' : 's'})`;
  return [line(columns), rule, ...text.map(line), count].join('\n');
}
