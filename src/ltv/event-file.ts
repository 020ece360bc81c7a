// Reading an event file (a JSON array or NDJSON) in chunks, so a file of any size streams through in
// bounded memory. A missing or unreadable file is an error that names it.
import { createReadStream } from 'node:fs';
import { ValueSplitter, type RawValue } from './event-text.js';

const CHUNK = 4 * 1024 * 1024;

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
