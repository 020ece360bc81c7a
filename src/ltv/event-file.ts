// Reading an event file (a JSON array or NDJSON) in chunks, so a file of any size streams through in
// bounded memory. A missing, unreadable, empty or binary file is an error that names it.
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { ValueSplitter, type RawValue } from './event-text.js';

const CHUNK = 4 * 1024 * 1024;
/** How much of a file is looked at before it is read: enough to tell text from binary, and its format. */
const HEAD = 4096;

/** What an event file must hold, for the messages that refuse one. */
export const EVENT_FILE_FORMAT = 'expected a JSON array of events, or one JSON event per line';

/** Whether bytes are UTF-8 text (a character cut at the end of `bytes` still counts) without a NUL byte. */
function isText(bytes: Buffer): boolean {
  if (bytes.includes(0)) return false;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * The first bytes of an event file, read before the file is: refuses a file that cannot hold events, with a
 * message that says why (missing, empty or only blanks, or binary such as a parquet or gzip file).
 */
export async function readEventFileHead(path: string): Promise<Buffer> {
  let head: Buffer;
  try {
    const handle = await open(path, 'r');
    try {
      const { buffer, bytesRead } = await handle.read(Buffer.alloc(HEAD), 0, HEAD, 0);
      head = buffer.subarray(0, bytesRead);
    } finally {
      await handle.close();
    }
  } catch (error) {
    throw unreadableEventFile(path, error);
  }
  if (
    head.length < HEAD &&
    head
      .toString('utf8')
      .replace(/^\uFEFF/, '')
      .trim() === ''
  ) {
    throw new Error(`the event file ${path} is empty: it holds no events (${EVENT_FILE_FORMAT})`);
  }
  if (!isText(head)) {
    throw new Error(`the event file ${path} is binary, not JSON text (${EVENT_FILE_FORMAT})`);
  }
  return head;
}

/** The error that names an event file that cannot be read, and why, in plain words. */
export function unreadableEventFile(path: string, error: unknown): Error {
  const code = (error as NodeJS.ErrnoException).code;
  const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (error as Error).message;
  return new Error(`cannot read the event file ${path}: ${why}`, { cause: error });
}

/** The file's values, a chunk's worth at a time, in file order. */
export async function* readEventFile(path: string): AsyncGenerator<RawValue[]> {
  const splitter = new ValueSplitter();
  try {
    for await (const chunk of createReadStream(path, { encoding: 'utf8', highWaterMark: CHUNK })) {
      const values = splitter.push(chunk as string);
      if (values.length > 0) yield values;
    }
  } catch (error) {
    throw unreadableEventFile(path, error);
  }
  const rest = splitter.end();
  if (rest.length > 0) yield rest;
}
