// Disk trouble under the real server process: the warehouse and the event store live on a small tmpfs
// of their own (mounted in a user and mount namespace, so no root is needed), which the test fills up
// or remounts read-only. A refresh or an ingest then gets a clear 507, nothing half-written is left,
// the old answers keep being served, and all works again once the disk does.
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { open, readdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import type { Test } from 'tap';
import { request, startServer, type ServerProcess } from '../helpers/server-process.js';
import { fixtureDir, folderOf } from '../helpers/warehouse.js';
import { customer, SEED_EVENTS } from '../ltv/fixtures.js';
import { SEED_REQUEST } from '../vouchers/fixtures.js';
import { RUN_A } from '../helpers/voucher-inputs.js';

const DISK_SIZE = '16m';

function namespacesWork(): boolean {
  try {
    execFileSync('unshare', ['--user', '--map-root-user', '--mount', 'true'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

interface SmallDisk {
  server: ServerProcess;
  /** The disk's folder as the server sees it, reached from outside through /proc. */
  inside: (name?: string) => string;
  remount: (mode: 'ro' | 'rw') => void;
}

/** The server with DB_PATH and EVENTS_PATH on a fresh tmpfs of DISK_SIZE; the voucher input stays outside it. */
async function serverOnSmallDisk(t: Test): Promise<SmallDisk> {
  const config = await fixtureDir(t, RUN_A);
  const disk = join(folderOf(t), 'disk');
  mkdirSync(disk);
  const mountThenRun = 'mount -t tmpfs -o size="$1" tmpfs "$2" && shift 2 && exec "$@"';
  const server = await startServer(
    t,
    { ...config, DB_PATH: join(disk, 'warehouse.duckdb'), EVENTS_PATH: join(disk, 'events') },
    {
      wrapper: ['unshare', '--user', '--map-root-user', '--mount', 'sh', '-c', mountThenRun, 'sh', DISK_SIZE, disk],
    },
  );
  const pid = String(server.child.pid);
  return {
    server,
    inside: (name = '') => join(`/proc/${pid}/root`, disk, name),
    remount: (mode) =>
      execFileSync('nsenter', [
        '-t',
        pid,
        '-U',
        '-m',
        '--preserve-credentials',
        'mount',
        '-o',
        `remount,${mode}`,
        disk,
      ]),
  };
}

/** Fills the disk, leaving `spare` bytes free (so a refresh starts writing and runs out part way). */
async function fill(path: (name: string) => string, spare: number): Promise<void> {
  await writeFile(path('spare'), Buffer.alloc(spare, 1));
  const handle = await open(path('filler'), 'w');
  const chunk = Buffer.alloc(256 * 1024, 1);
  try {
    for (;;) await handle.write(chunk);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOSPC') throw error;
  } finally {
    await handle.close();
  }
  await rm(path('spare'));
}

const select = (server: ServerProcess) => request(server.url, 'POST', '/select-voucher', SEED_REQUEST);
const topLtv = (server: ServerProcess) => request(server.url, 'GET', '/customers/top-ltv?limit=1000');
const leftovers = async (disk: SmallDisk) =>
  [...(await readdir(disk.inside())), ...(await readdir(disk.inside('events')))].filter((name) =>
    /\.building-|refresh-lock|\.tmp$/.test(name),
  );

const skip = namespacesWork()
  ? false
  : 'this kernel does not allow user namespaces, so no private tmpfs can be mounted';

t.test('a full disk during a refresh and an ingest: 507, the old answers served, nothing lost', { skip }, async (t) => {
  const disk = await serverOnSmallDisk(t);
  const { server } = disk;
  t.equal((await request(server.url, 'POST', '/events', SEED_EVENTS)).body.accepted, 4);
  const served = await select(server);
  const ltv = await topLtv(server);

  await fill(disk.inside, 512 * 1024);
  const refresh = await request(server.url, 'POST', '/refresh');
  t.equal(refresh.status, 507, JSON.stringify(refresh.body));
  t.match(refresh.body, { code: 'WAREHOUSE_WRITE_FAILED', message: /space/i });
  t.same(await select(server), served, 'the old answer is still served');
  t.match((await request(server.url, 'GET', '/health')).body, {
    run_id: served.body.run_id,
    last_refresh_failure: { code: 'WAREHOUSE_WRITE_FAILED' },
  });
  // The failed refresh gave its space back: a batch of several MB still cannot fit.
  const more = Array.from({ length: 20_000 }, (_, n) => customer(`full-${n}`, '2017-01-02T10:00:00Z'));
  const ingest = await request(server.url, 'POST', '/events', more);
  t.equal(ingest.status, 507, JSON.stringify(ingest.body));
  t.match(ingest.body, { code: 'EVENTS_NOT_STORED', message: /space/i });
  t.same(await topLtv(server), ltv, 'the events stored before are all still there');
  t.same(await leftovers(disk), [], 'no build file, lock or partial batch is left on the disk');

  await rm(disk.inside('filler'));
  const again = await request(server.url, 'POST', '/refresh');
  t.equal(again.status, 200, 'a refresh works again once there is space');
  t.equal((await select(server)).body.run_id, again.body.run_id);
  t.equal(
    (await request(server.url, 'POST', '/events', more)).body.accepted,
    more.length,
    'so does the ingest the full disk refused',
  );
});

t.test(
  'a read-only warehouse folder: 507, the old answers served, and back to normal once writable',
  { skip },
  async (t) => {
    const disk = await serverOnSmallDisk(t);
    const { server } = disk;
    const served = await select(server);
    disk.remount('ro');
    const refresh = await request(server.url, 'POST', '/refresh');
    t.equal(refresh.status, 507, JSON.stringify(refresh.body));
    t.match(refresh.body, { code: 'WAREHOUSE_WRITE_FAILED', message: /read-only/i });
    t.same(await select(server), served, 'the old answer is still served');
    const ingest = await request(server.url, 'POST', '/events', SEED_EVENTS);
    t.equal(ingest.status, 507);
    t.match(ingest.body, { code: 'EVENTS_NOT_STORED', message: /read-only/i });

    disk.remount('rw');
    const again = await request(server.url, 'POST', '/refresh');
    t.equal(again.status, 200);
    t.equal((await select(server)).body.run_id, again.body.run_id);
    t.equal((await request(server.url, 'POST', '/events', SEED_EVENTS)).body.accepted, 4);
  },
);
