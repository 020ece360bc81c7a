// Hostile values for the reliability suite: the strings, numbers, keys and JSON shapes
// that attackers and broken clients send. Deterministic: the same seed always gives the same values.

import { seededRandom } from '../../src/samples/random.js';

/** Text written into a body as it is: numbers JSON.stringify cannot write (1e400), broken JSON, deep nesting. */
export class Raw {
  constructor(readonly text: string) {}
}

/** A JSON object as it is written: entries in order, the same key possibly twice. */
export class Obj {
  constructor(readonly entries: [string, Tree][] = []) {}

  /** Replaces every entry of `key` (JSON.parse keeps the last one), or adds one. */
  set(key: string, value: Tree): void {
    const at = this.entries.filter(([name]) => name === key);
    if (at.length === 0) this.entries.push([key, value]);
    for (const entry of at) entry[1] = value;
  }

  get(key: string): Tree | undefined {
    return this.entries.findLast(([name]) => name === key)?.[1];
  }
}

export type Tree = null | boolean | number | string | Raw | Obj | Tree[];

/** The body text of a value tree. Only the random trees recurse, and they are at most a few levels deep. */
export function write(tree: Tree): string {
  if (tree instanceof Raw) return tree.text;
  if (tree instanceof Obj) {
    return `{${tree.entries.map(([key, value]) => `${JSON.stringify(key)}:${write(value)}`).join(',')}}`;
  }
  if (Array.isArray(tree)) return `[${tree.map(write).join(',')}]`;
  return JSON.stringify(tree);
}

/**
 * Percent-encodes any text for a URL, as encodeURIComponent does, except that a lone surrogate (which
 * encodeURIComponent refuses) is written as the three bytes it would take in UTF-8 (%ED%A0%80), as a hostile client would.
 */
export function percentEncode(text: string, keep: RegExp = /[A-Za-z0-9\-_.!~*'()]/): string {
  let out = '';
  for (const char of text) {
    const code = char.charCodeAt(0);
    if (keep.test(char)) out += char;
    else if (char.length === 1 && code >= 0xd800 && code <= 0xdfff) {
      out += [0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

/** A plain JSON object as a tree, to mutate. */
export function objectOf(value: Record<string, unknown>): Obj {
  return new Obj(Object.entries(value).map(([key, field]) => [key, field as Tree]));
}

const SQL = [
  "'; drop table segment_vouchers; --",
  "Peru' or '1'='1",
  'Peru"; select * from pipeline_runs; --',
  "') union all select run_id, null from pipeline_runs --",
  "1; copy (select 42) to '/tmp/hostile.csv'",
  "x'); attach '/etc/passwd' as stolen; --",
  "read_parquet('/etc/passwd')",
  "'' || (select version()) || ''",
  '$country_code',
  '?',
  ':name',
  '%',
  '_',
];
const UNICODE = [
  '😀',
  '👨‍👩‍👧‍👦',
  'e\u0301',
  '\u202eruPe',
  '\u200b',
  '\ufeffPeru',
  'Perú',
  'ＰＥＲＵ',
  'Ⅻ',
  'ǅ',
  'İstanbul',
  'ß',
  '𝕻𝖊𝖗𝖚',
  '\u0000',
  'a\u0000b',
  '\ud800',
  'x\udfffy',
  '\ud83d',
  '\uffff',
  '\u2028\u2029',
  '\u0007\u001b[31m',
  'Ω≈ç√∫',
];
const WHITESPACE = ['', ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u000b\u000c', '\ufeff'];
const TEXTS = [
  '%s%s%s%n',
  // eslint-disable-next-line no-template-curly-in-string -- the text itself is the attack
  '${jndi:ldap://127.0.0.1/x}',
  '{{7*7}}',
  '<script>alert(1)</script>',
  '../../../../etc/passwd',
  'C:\\Windows\\win.ini',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  'true',
  '[]',
  '{}',
  '0',
  '-1',
  '1e400',
  '0x10',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  '__defineGetter__',
];
const TIMESTAMPS = [
  '2018-02-30 00:00:00',
  '2018-05-03 24:00:00',
  '9999-12-31 23:59:59',
  '0000-01-01 00:00:00',
  '1000-01-01T00:00:00-23:59',
  '2018-05-03T00:00:00+99:99',
  '2099-01-01 00:00:00',
  '1970-01-01',
  '２０１８-０５-０３ ００:００:００',
  '2018-05-03 00:00:00.1234567891',
  '2018-13-01',
  '20180503',
  '-2018-05-03',
  '+002018-05-03T00:00:00Z',
  '2018-05-03T00:00:00.000Z',
  '2017-01-06T12:46:46.384Z',
  '2018-05-03 00:00:00 +05:30',
  '2018-05-03t00:00z',
  '1e10',
  '2018-05-03\u00002018',
];
/** Numbers as written: past a double's range or precision, negative zero, fractions of whole numbers. */
const NUMBERS = [
  '1e400',
  '-1e400',
  '1e-400',
  '9007199254740993',
  '123456789012345678901234567890',
  '-0',
  '0.0',
  '15.0',
  '15.5',
  '-1',
  '1.7976931348623157e308',
  '5e-324',
  '1E2',
  '0e0',
  '-9223372036854775809',
  '18446744073709551616',
  '4294967296',
  '0.1e1',
];
const KEYS = [
  '__proto__',
  'constructor',
  'prototype',
  '',
  ' ',
  'toString',
  'hasOwnProperty',
  '$where',
  'a.b',
  'a[0]',
  '😀',
  '\u0000',
  'x'.repeat(300),
];
/** Characters a random string is made of: controls, ASCII, Latin-1, combining marks, CJK, surrogates (paired or not), astral. */
const RANGES: [number, number][] = [
  [0, 0x1f],
  [0x20, 0x7e],
  [0x80, 0xff],
  [0x300, 0x36f],
  [0x4e00, 0x4e80],
  [0xd800, 0xdfff],
  [0xfff0, 0xffff],
  [0x1f600, 0x1f64f],
];

/** How deep a whole body nests; a field nests at most 5,000 deep (past V8's JSON.stringify limit of about 4,200), so bodies stay small. */
const BODY_DEPTHS = [64, 1_000, 5_000, 10_000, 100_000];
const FIELD_DEPTHS = [64, 1_000, 5_000];

export class Hostile {
  readonly random: () => number;

  constructor(readonly seed: number) {
    this.random = seededRandom(seed);
  }

  int(below: number): number {
    return Math.floor(this.random() * below);
  }

  chance(probability: number): boolean {
    return this.random() < probability;
  }

  pick<T>(list: readonly T[]): T {
    return list[this.int(list.length)]!;
  }

  /** A hostile string; `known` are the words this endpoint understands ('Peru', 'ORDER', ...), to disguise. */
  string(known: readonly string[] = []): string {
    switch (this.int(9)) {
      case 0:
        return this.pick(SQL);
      case 1:
        return this.pick(UNICODE);
      case 2:
        return this.pick(TEXTS);
      case 3:
        return this.pick(TIMESTAMPS);
      case 4:
        return Array.from({ length: this.int(40) }, () => {
          const [low, high] = this.pick(RANGES);
          return String.fromCodePoint(low + this.int(high - low + 1));
        }).join('');
      case 5:
        return this.pick(['x', 'é', '😀', "'", '\\', '"', '\u0000']).repeat(
          this.pick([257, 1_000, 1_000, 4_096, 65_536]),
        );
      case 6:
        return this.pick(WHITESPACE) + (known.length > 0 ? this.pick(known) : 'x') + this.pick(WHITESPACE);
      case 7:
        return known.length > 0 ? this.disguise(this.pick(known)) : this.pick(SQL);
      default:
        return Array.from({ length: this.int(20) }, () => String.fromCharCode(32 + this.int(95))).join('');
    }
  }

  /** A word the server knows, changed slightly: case, a stray character, an SQL tail. */
  disguise(word: string): string {
    switch (this.int(5)) {
      case 0:
        return word.toUpperCase() === word ? word.toLowerCase() : word.toUpperCase();
      case 1:
        return `${word}\u0000`;
      case 2:
        return `${word}' --`;
      case 3:
        return word.split('').reverse().join('');
      default:
        return `${word}${this.pick(UNICODE)}`;
    }
  }

  number(): Tree {
    if (this.chance(0.5)) return new Raw(this.pick(NUMBERS));
    return this.pick([
      this.int(100),
      -this.int(100),
      this.random() * 1e6,
      Number.MAX_SAFE_INTEGER,
      Number.MIN_SAFE_INTEGER,
      2 ** 31,
    ]);
  }

  key(known: readonly string[] = []): string {
    return this.chance(0.5)
      ? this.pick(KEYS)
      : this.chance(0.5) && known.length > 0
        ? this.disguise(this.pick(known))
        : this.string();
  }

  /** A random JSON value of any type, at most `depth` levels of arrays and objects. */
  value(depth = 3, known: readonly string[] = []): Tree {
    const kind = this.int(depth > 0 ? 7 : 5);
    if (kind === 0) return null;
    if (kind === 1) return this.chance(0.5);
    if (kind === 2) return this.number();
    if (kind <= 4) return this.string(known);
    const size = this.int(6);
    if (kind === 5) return Array.from({ length: size }, () => this.value(depth - 1, known));
    return new Obj(Array.from({ length: size }, () => [this.key(known), this.value(depth - 1, known)]));
  }

  /** Nesting far deeper than any request needs: arrays, objects, or both. */
  deep(depths = BODY_DEPTHS): Raw {
    const depth = this.pick(depths);
    const [open, close] = this.pick([
      ['[', ']'],
      ['{"a":', '}'],
      ['[{"a":', '}]'],
    ]);
    return new Raw(open!.repeat(depth) + (open === '[' ? '' : '1') + close!.repeat(depth));
  }

  /** Changes a request object in one to three ways and says how; `fields` are the ones the endpoint reads. */
  mutate(object: Obj, fields: readonly string[], known: readonly string[]): string {
    const changes: string[] = [];
    for (let count = 1 + this.int(3); count > 0; count--) {
      const field = this.pick(fields);
      switch (this.int(9)) {
        case 0: {
          object.set(field, this.string(known));
          changes.push(`${field} a hostile string`);
          break;
        }
        case 1: {
          object.set(field, this.number());
          changes.push(`${field} a hostile number`);
          break;
        }
        case 2: {
          object.set(field, this.value(2, known));
          changes.push(`${field} any value`);
          break;
        }
        case 3: {
          object.entries.splice(0, object.entries.length, ...object.entries.filter(([name]) => name !== field));
          changes.push(`without ${field}`);
          break;
        }
        case 4: {
          const key = this.key(known);
          object.entries.push([
            key,
            key === 'constructor' ? objectOf({ prototype: { polluted: true } }) : this.value(2, known),
          ]);
          changes.push(`an extra key ${JSON.stringify(key.slice(0, 20))}`);
          break;
        }
        case 5: {
          object.entries.push([field, this.value(1, known)]);
          changes.push(`${field} twice`);
          break;
        }
        case 6: {
          const value = object.get(field);
          object.set(
            field,
            typeof value === 'string' ? this.pick(WHITESPACE) + value + this.pick(WHITESPACE) : this.string(known),
          );
          changes.push(`${field} padded`);
          break;
        }
        case 7: {
          object.set(field, this.deep(FIELD_DEPTHS));
          changes.push(`${field} nested deep`);
          break;
        }
        default: {
          const entry = object.entries.find(([name]) => name === field);
          if (entry) entry[0] = this.disguise(field);
          changes.push(`${field} renamed`);
        }
      }
    }
    return changes.join(', ');
  }

  /** Text that is not quite JSON, or not text at all; returns what was done and the bytes. */
  broken(text: string): [string, string | Uint8Array] {
    switch (this.int(10)) {
      case 0:
        return ['cut short', text.slice(0, this.int(text.length))];
      case 1:
        return ['trailing garbage', text + this.pick(['}', ',', 'x', '\u0000', ']]', '{"a":1}', '\n\n'])];
      case 2:
        return ['a byte order mark first', `\ufeff${text}`];
      case 3:
        return ['single quotes', text.replaceAll('"', "'")];
      case 4:
        return ['a comment', `/* hostile */ ${text}`];
      case 5:
        return ['empty', this.pick(['', ' ', '\n', '\u0000'])];
      case 6: {
        const bytes = Buffer.from(text);
        const at = this.int(bytes.length + 1);
        const bad = Buffer.from(
          this.pick([[0xff, 0xfe], [0xc0, 0x80], [0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80]]),
        );
        return ['invalid UTF-8', Buffer.concat([bytes.subarray(0, at), bad, bytes.subarray(at)])];
      }
      case 7:
        return ['UTF-16', Buffer.from(text, 'utf16le')];
      case 8:
        return [
          'a JavaScript literal',
          text.replace(
            /:\s*("[^"]*"|\d+)/,
            ':' + this.pick(['NaN', 'undefined', 'Infinity', '0x1F', '.5', '+1', "'x'"]),
          ),
        ];
      default:
        return ['random bytes', Buffer.from(Array.from({ length: this.int(200) }, () => this.int(256)))];
    }
  }
}
