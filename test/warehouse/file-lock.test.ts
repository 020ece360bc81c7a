// The refresh lock under races and dead owners: of processes that race for it, exactly one holds it at a
// time; a holder killed with SIGKILL frees it at once; and no pid is stored, so a pid reused by another
// process can neither keep the lock nor be signalled by it.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { isAlive } from '../../src/process-alive.js';
import { lockRefresh } from '../../src/warehouse/file-lock.js';
import { folderOf } from '../helpers/warehouse.js';

/** A process that tries to take the lock, holds it for `holdMs` if it got it, and prints what happened. */
const TAKER = `
import { lockRefresh } from './dist/warehouse/file-lock.js';
const start = Date.now();
try {
  const release = await lockRefresh(process.env.DB_PATH);
  const from = Date.now();
  await new Promise((resolve) => setTimeout(resolve, Number(process.env.HOLD_MS)));
  const to = Date.now();
  release();
  console.log(JSON.stringify({ got: true, from, to }));
} catch (error) {
  console.log(JSON.stringify({ got: false, code: error.code, message: error.message }));
}
`;

function taker(
  dbPath: string,
  holdMs: number,
): { done: Promise<{ got: boolean; from?: number; to?: number; code?: string }> } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', TAKER], {
    env: { ...process.env, DB_PATH: dbPath, HOLD_MS: String(holdMs) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  return { done: once(child, 'exit').then(() => JSON.parse(out)) };
}

t.test('of two processes racing for the lock, one holds it and the other is told who does', async (t) => {
  for (let round = 0; round < 6; round++) {
    // Half the rounds race to make the lock file too (a new warehouse); the others race for an existing one.
    const dbPath = join(folderOf(t), `warehouse-${Math.floor(round / 2)}.duckdb`);
    const results = await Promise.all([taker(dbPath, 300).done, taker(dbPath, 300).done]);
    const holders = results.filter((result) => result.got);
    t.ok(holders.length >= 1, `round ${round}: someone got the lock`);
    if (holders.length === 2) {
      // Both got it only if one finished before the other started: never at the same time.
      const [a, b] = holders as { from: number; to: number }[];
      t.ok(a!.to <= b!.from || b!.to <= a!.from, `round ${round}: the two holds do not overlap`);
    } else {
      t.match(
        results.find((result) => !result.got),
        { code: 'REFRESH_IN_PROGRESS' },
        `round ${round}: the other gets 409`,
      );
    }
  }
});

t.test(
  'a holder killed with SIGKILL frees the lock at once; a pid in an old lock file is never trusted or signalled',
  async (t) => {
    const dbPath = join(folderOf(t), 'warehouse.duckdb');
    const holder = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { lockRefresh } from './dist/warehouse/file-lock.js'; await lockRefresh(process.env.DB_PATH); console.log('locked'); setInterval(() => {}, 1000);`,
      ],
      {
        env: { ...process.env, DB_PATH: dbPath },
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    t.teardown(() => holder.kill('SIGKILL'));
    await once(holder.stdout, 'data');
    await t.rejects(lockRefresh(dbPath), { code: 'REFRESH_IN_PROGRESS', message: new RegExp(`process ${holder.pid}`) });
    holder.kill('SIGKILL');
    await once(holder, 'exit');
    // The dead holder's pid now names nobody, or (reused) an unrelated process: a long-lived one stands in
    // for it, named in a lock file of the old kind that pointed at pids.
    const bystander = spawn('sleep', ['30']);
    t.teardown(() => bystander.kill('SIGKILL'));
    await writeFile(`${dbPath}.refresh-lock`, `${bystander.pid} ${bystander.pid}\n`);
    const release = await lockRefresh(dbPath);
    t.pass('the lock is free as soon as its holder is gone');
    t.ok(isAlive(bystander.pid!), 'and the process with the recorded pid was left alone');
    release();
  },
);
