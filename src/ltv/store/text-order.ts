// Text in DuckDB's order: by UTF-8 bytes, which is code point order. JavaScript's < compares UTF-16 code
// units, which puts U+10000 and above before U+E000-U+FFFF; ties must break the way the SQL breaks them.

export function compareText(a: string, b: string): number {
  if (a === b) return 0;
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.codePointAt(i)!;
    const y = b.codePointAt(i)!;
    if (x !== y) return x < y ? -1 : 1;
    if (x > 0xffff) i++;
  }
  return a.length - b.length;
}
