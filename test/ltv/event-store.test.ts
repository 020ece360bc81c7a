// The event store under concurrency in one process: compactions asked for together, and commits while
// they run, leave every acknowledged event in the store exactly once, and the state answering as the SQL.
// And what a dead writer left is cleared, even when nothing reaped the writer.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import t from 'tap';
import { ingest } from '../../src/ltv/ingest.js';
import { topLtv } from '../../src/ltv/pipeline.js';
import { EventStore } from '../../src/ltv/store/event-store.js';
import { batchFiles, compactedFiles } from '../../src/ltv/store/layout.js';
import { snapshotStore, attachStoreFiles } from '../../src/ltv/store/store-input.js';
import { queryRows, withDatabase } from '../../src/warehouse/database.js';
import { folderOf } from '../helpers/warehouse.js';
import { order, visit } from './fixtures.js';

const batch = (n: number) =>
  Array.from({ length: 10 }, (_, i) => {
    const at = `2017-0${(i % 3) + 1}-0${(n % 9) + 1}T10:00:00.000Z`;
    return i % 2 === 0 ? order(`o${n}-${i}`, `c${i % 4}`, at, `${n + i}.00 USD`) : visit(`p${i}`, `c${i % 4}`, at);
  }).map((value, index) => ({ index, value }));

t.test('compactions asked for together, and commits meanwhile, keep every event once', async (t) => {
  const dir = join(folderOf(t), 'events');
  const store = await EventStore.open(dir, 'sql');
  let accepted = 0;
  for (let n = 0; n < 20; n++) accepted += (await ingest(store, batch(n))).accepted;
  const work: Promise<unknown>[] = [store.compact(), store.compact(), store.compact()];
  for (let n = 20; n < 30; n++) work.push(ingest(store, batch(n)).then((result) => (accepted += result.accepted)));
  work.push(store.compact());
  await Promise.all(work);
  const snapshot = await snapshotStore(dir);
  const [counts] = await withDatabase(':memory:', {}, async (connection) => {
    await attachStoreFiles(connection, snapshot);
    return queryRows<{ compacted: number; distinct_compacted: number; waiting: number }>(
      connection,
      `select
           (select count(*) from compacted_events)::integer as compacted,
           (select count(distinct event_id) from compacted_events)::integer as distinct_compacted,
           (select count(*) from raw_events)::integer as waiting`,
    );
  });
  await snapshot.release();
  t.equal(counts?.compacted, counts?.distinct_compacted, 'no event was compacted twice');
  t.equal(counts!.compacted + counts!.waiting, accepted, 'every acknowledged event is in the store once');
  t.ok(counts!.compacted > 0, 'compactions ran');
  t.same(store.state.top(100), (await topLtv({ store: dir }, 100, 'sql')).customers, 'the state answers as the SQL');
});

t.test(
  'a refresh reading the store while a compaction removes batch files it listed still reads every event',
  async (t) => {
    const dir = join(folderOf(t), 'events');
    const store = await EventStore.open(dir, 'sql');
    for (let n = 0; n < 2; n++) await ingest(store, batch(n));
    const snapshot = await snapshotStore(dir);
    t.equal((await store.compact(1))?.batches, 1, 'the oldest batch file is compacted and removed after the listing');
    const [counts] = await withDatabase(':memory:', {}, async (connection) => {
      await attachStoreFiles(connection, snapshot, snapshot.original);
      return queryRows<{ read: number; kept: number }>(
        connection,
        `select (select count(*) from temp.raw_events)::integer as read,
              (select count(*) from memory.main.raw_events)::integer as kept`,
      );
    });
    await snapshot.release();
    t.same(counts, { read: 20, kept: 10 }, "the run reads both files; the warehouse's view keeps the one still there");
  },
);

t.test('a partial batch file of a writer that died unreaped is removed at the next start', async (t) => {
  const dir = join(folderOf(t), 'events');
  await mkdir(dir, { recursive: true });
  // The shell's background child waits for a line on fd 3, and the shell becomes a sleep that never waits
  // for children. Once the exec is done the child is let go: it stays a zombie, as an orphaned writer does in
  // a container whose first process reaps nothing. (Let go before the exec, the shell could reap it.)
  const parent = spawn('sh', ['-c', '(read line <&3) & echo $!; exec sleep 60'], {
    stdio: ['ignore', 'pipe', 'ignore', 'pipe'],
  });
  t.teardown(() => parent.kill('SIGKILL'));
  const [chunk] = (await once(parent.stdout!, 'data')) as [Buffer];
  const pid = Number(chunk.toString().trim());
  const state = async () => (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.[0];
  const comm = () => readFile(`/proc/${parent.pid}/comm`, 'utf8');
  while ((await comm()) !== 'sleep\n') await new Promise((resolve) => setImmediate(resolve));
  (parent.stdio[3] as Writable).end('go\n');
  while ((await state()) !== 'Z') await new Promise((resolve) => setImmediate(resolve));
  const partial = `20260101T000000000Z-${pid}-000001.ndjson.tmp`;
  await writeFile(join(dir, partial), '{"half": ');
  await EventStore.open(dir, 'sql');
  t.notOk((await readdir(dir)).includes(partial), 'the partial file is gone');
});

t.test('a compaction killed between two months: the restarted store knows every event once', async (t) => {
  const dir = join(folderOf(t), 'events');
  const store = await EventStore.open(dir, 'sql');
  const batches = Array.from({ length: 4 }, (_, n) => batch(n));
  for (const each of batches) await ingest(store, each);
  const files = await Promise.all(
    (await batchFiles(dir)).map(async (name) => [name, await readFile(join(dir, name))] as const),
  );
  await store.compact();
  // As a kill leaves it after the first month's parquet was published: the batch files still there, the later
  // months not in parquet yet.
  for (const [name, content] of files) await writeFile(join(dir, name), content);
  const parquet = await compactedFiles(dir);
  t.ok(parquet.length > 1, `the batches span several months (${parquet.length})`);
  for (const file of parquet.slice(1)) await rm(join(dir, file));

  const restarted = await EventStore.open(dir, 'sql');
  let accepted = 0;
  for (const each of batches) accepted += (await ingest(restarted, each)).accepted;
  t.equal(accepted, 0, 'resending every event stores none again: the state knows them all');
  t.same(
    restarted.state.top(100),
    (await topLtv({ store: dir }, 100, 'sql')).customers,
    'the state answers as the SQL',
  );
});
