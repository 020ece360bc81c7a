// Sets of 96-bit fingerprints (the first 12 bytes of an md5), kept in one typed array with open
// addressing: what the incremental state remembers of every stored event and every visit, in 12 bytes
// each instead of a string. Two different texts share a fingerprint with a probability of about n²/2^97
// (6e-16 for ten million), far below the odds of a disk error. Never stores the texts themselves.
import { createHash } from 'node:crypto';

const WORDS = 3;
const MAX_LOAD = 0.7;

/** The fingerprint of a text: md5's first 12 bytes, as DuckDB's md5(text)[1:24] writes them in hex. */
export function fingerprint(text: string): Buffer {
  return createHash('md5').update(text).digest().subarray(0, 12);
}

export class FingerprintSet {
  #table: Uint32Array;
  #capacity: number;
  size = 0;

  constructor(expected = 1024) {
    this.#capacity = 1 << Math.max(4, Math.ceil(Math.log2(expected / MAX_LOAD)));
    this.#table = new Uint32Array(this.#capacity * WORDS);
  }

  /** Adds the fingerprint at `offset` of `bytes` (12 bytes); false when it was already there. */
  add(bytes: Uint8Array, offset = 0): boolean {
    // A fingerprint of all zeros would read as an empty slot: md5 gives one with probability 2^-96.
    const a = readWord(bytes, offset) || 1;
    const b = readWord(bytes, offset + 4);
    const c = readWord(bytes, offset + 8);
    if (this.#find(a, b, c) >= 0) return false;
    if ((this.size + 1) / this.#capacity > MAX_LOAD) this.#grow();
    this.#insert(a, b, c);
    this.size++;
    return true;
  }

  has(bytes: Uint8Array, offset = 0): boolean {
    return this.#find(readWord(bytes, offset) || 1, readWord(bytes, offset + 4), readWord(bytes, offset + 8)) >= 0;
  }

  /** Adds every 12-byte fingerprint of a buffer (as DuckDB's hex fingerprints decode); returns how many were new. */
  addAll(bytes: Uint8Array): number {
    let added = 0;
    for (let offset = 0; offset + 12 <= bytes.length; offset += 12) if (this.add(bytes, offset)) added++;
    return added;
  }

  /** The set's table and size, for a snapshot (state-snapshot.ts). */
  get raw(): { table: Uint32Array; size: number } {
    return { table: this.#table, size: this.size };
  }

  /** A set from a snapshot's table and size. */
  static fromRaw(table: Uint32Array, size: number): FingerprintSet {
    const set = new FingerprintSet();
    set.#table = table;
    set.#capacity = table.length / WORDS;
    set.size = size;
    return set;
  }

  #find(a: number, b: number, c: number): number {
    const mask = this.#capacity - 1;
    for (let slot = (a ^ Math.imul(b, 0x9e3779b1)) & mask; ; slot = (slot + 1) & mask) {
      const at = slot * WORDS;
      const first = this.#table[at]!;
      if (first === 0) return -1;
      if (first === a && this.#table[at + 1] === b && this.#table[at + 2] === c) return slot;
    }
  }

  #insert(a: number, b: number, c: number): void {
    const mask = this.#capacity - 1;
    let slot = (a ^ Math.imul(b, 0x9e3779b1)) & mask;
    while (this.#table[slot * WORDS] !== 0) slot = (slot + 1) & mask;
    this.#table.set([a, b, c], slot * WORDS);
  }

  #grow(): void {
    const old = this.#table;
    this.#capacity *= 2;
    this.#table = new Uint32Array(this.#capacity * WORDS);
    for (let at = 0; at < old.length; at += WORDS) {
      if (old[at] !== 0) this.#insert(old[at]!, old[at + 1]!, old[at + 2]!);
    }
  }
}

function readWord(bytes: Uint8Array, offset: number): number {
  return (bytes[offset]! | (bytes[offset + 1]! << 8) | (bytes[offset + 2]! << 16) | (bytes[offset + 3]! << 24)) >>> 0;
}
