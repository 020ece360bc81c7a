// The project's root folder (the one holding package.json), wherever the running module was built to:
// src/ (run from source), dist/ (the service), dist-test/ (the compiled tests). For the files the code
// ships beside itself: the built workers, the dashboard's page, package.json.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export const PROJECT_ROOT = findRoot(dirname(fileURLToPath(import.meta.url)));

/** A path inside the project, e.g. projectPath('dist/worker.js'). */
export const projectPath = (path: string): string => join(PROJECT_ROOT, path);
