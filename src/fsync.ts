// Flushing a file or a folder to disk: what makes a write or a rename durable before it is acknowledged.
import { open } from 'node:fs/promises';

export async function fsync(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
