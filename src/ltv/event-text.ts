// Splits event text (a JSON array, or one JSON value per line) into its values, each with its index,
// fed in chunks so a file of any size streams through. A value that is not valid JSON becomes an
// error for that index alone; it never stops the values around it.

export interface RawValue {
  /** Position among the values: the array index, or the count of non-blank lines before it. */
  index: number;
  value?: unknown;
  /** Set instead of value when the text is not valid JSON. */
  error?: string;
}

type Mode = 'start' | 'lines' | 'array-lines' | 'array-scan' | 'done';

const OPEN_BRACE = 123;
const OPEN_BRACKET = 91;
const CLOSE_BRACE = 125;
const CLOSE_BRACKET = 93;
const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;

/**
 * Fast path: one value per line (NDJSON, or an array written one element per line), cut with indexOf.
 * An array line that does not parse on its own switches to a character scanner from that line on.
 */
export class ValueSplitter {
  #mode: Mode = 'start';
  #buffer = '';
  #index = 0;
  // array-scan state, relative to #buffer
  #depth = 0;
  #inString = false;
  #escaped = false;
  #elementStart = -1;
  #scanned = 0;
  #restReported = false;

  push(chunk: string): RawValue[] {
    this.#buffer += chunk;
    const out: RawValue[] = [];
    if (this.#mode === 'start' && !this.#begin()) return out;
    if (this.#mode === 'done') this.#rest(out);
    if (this.#mode === 'lines' || this.#mode === 'array-lines') this.#lines(out, false);
    if (this.#mode === 'array-scan') this.#scan(out);
    return out;
  }

  end(): RawValue[] {
    const out: RawValue[] = [];
    if (this.#mode === 'start') this.#begin();
    if (this.#mode === 'lines' || this.#mode === 'array-lines') this.#lines(out, true);
    if (this.#mode === 'array-scan') {
      this.#scan(out);
      // An array cut short: its last, unfinished element is reported; the complete ones stand.
      if (this.#elementStart >= 0) this.#emit(out, this.#buffer.slice(this.#elementStart));
    }
    if (this.#mode === 'done') this.#rest(out);
    this.#buffer = '';
    return out;
  }

  /** Decides the format from the first non-blank character; false while only blanks have arrived. */
  #begin(): boolean {
    const text = this.#buffer.replace(/^\uFEFF?\s*/, '');
    if (text === '') return false;
    this.#mode = text.startsWith('[') ? 'array-lines' : 'lines';
    this.#buffer = this.#mode === 'array-lines' ? text.slice(1) : text;
    return true;
  }

  #emit(out: RawValue[], raw: string): void {
    const text = raw.trim();
    if (text === '') return;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      out.push({ index: this.#index++, error: `not valid JSON: ${(error as Error).message}` });
      return;
    }
    out.push({ index: this.#index++, value });
  }

  #lines(out: RawValue[], last: boolean): void {
    const buffer = this.#buffer;
    let start = 0;
    for (;;) {
      let newline = buffer.indexOf('\n', start);
      if (newline < 0) {
        if (!last) break;
        newline = buffer.length;
      }
      const line = buffer.slice(start, newline);
      const lineStart = start;
      start = newline + 1;
      if (this.#mode === 'lines') {
        this.#emit(out, line);
      } else if (!this.#arrayLine(out, line)) {
        this.#mode = 'array-scan';
        this.#buffer = buffer.slice(lineStart);
        this.#scanned = 0;
        return;
      }
      if (this.#mode === 'done' || newline >= buffer.length) break;
    }
    this.#buffer = start >= buffer.length ? '' : buffer.slice(start);
    if (this.#mode === 'done') this.#rest(out);
  }

  /** One line of an array written one element per line; false if the line is not a whole element. */
  #arrayLine(out: RawValue[], line: string): boolean {
    let text = line.trim();
    if (text.startsWith(',')) text = text.slice(1).trimStart();
    if (text.endsWith(',')) text = text.slice(0, -1).trimEnd();
    if (text === '') return true;
    if (text === ']') {
      this.#mode = 'done';
      return true;
    }
    try {
      const value = JSON.parse(text);
      out.push({ index: this.#index++, value });
      return true;
    } catch {
      if (!text.endsWith(']')) return false;
      try {
        const value = JSON.parse(text.slice(0, -1));
        out.push({ index: this.#index++, value });
        this.#mode = 'done';
        return true;
      } catch {
        return false;
      }
    }
  }

  /** The character scanner: splits the array's elements at top-level commas, whatever their layout. */
  #scan(out: RawValue[]): void {
    const buffer = this.#buffer;
    let i = this.#scanned;
    for (; i < buffer.length && this.#mode === 'array-scan'; i++) {
      const code = buffer.charCodeAt(i);
      if (this.#inString) {
        if (this.#escaped) this.#escaped = false;
        else if (code === BACKSLASH) this.#escaped = true;
        else if (code === QUOTE) this.#inString = false;
        continue;
      }
      if (code === QUOTE) this.#inString = true;
      else if (code === OPEN_BRACE || code === OPEN_BRACKET) this.#depth++;
      else if ((code === CLOSE_BRACE || code === CLOSE_BRACKET) && this.#depth > 0) this.#depth--;
      else if (this.#depth === 0 && (code === COMMA || code === CLOSE_BRACKET)) {
        if (this.#elementStart >= 0) this.#emit(out, buffer.slice(this.#elementStart, i));
        this.#elementStart = -1;
        if (code === CLOSE_BRACKET) this.#mode = 'done';
        continue;
      }
      if (this.#elementStart < 0 && code > 32) this.#elementStart = i;
    }
    // Keep only the element in progress, so the buffer never holds more than one element.
    const keep = this.#elementStart >= 0 ? this.#elementStart : i;
    this.#buffer = buffer.slice(keep);
    this.#scanned = i - keep;
    if (this.#elementStart >= 0) this.#elementStart = 0;
    if (this.#mode === 'done') this.#rest(out);
  }

  /** Anything but blanks after the closing ] is reported once, as a value that could not be read. */
  #rest(out: RawValue[]): void {
    const rest = this.#buffer.trim();
    this.#buffer = '';
    if (rest === '' || this.#restReported) return;
    this.#restReported = true;
    out.push({ index: this.#index++, error: 'text after the end of the JSON array' });
  }
}

/** Splits a whole text (a request body) at once. */
export function splitValues(text: string): RawValue[] {
  const splitter = new ValueSplitter();
  return [...splitter.push(text), ...splitter.end()];
}
