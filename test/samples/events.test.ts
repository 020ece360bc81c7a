// The committed sample event file is what the generator writes, and it carries what real feeds do:
// UPDATEs (some stale), events out of order, resends, bad events, and page ids shared by many visits.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import t from 'tap';
import { splitValues } from '../../src/ltv/event-text.js';
import { checkEvent } from '../../src/ltv/events.js';
import { generateEventSample } from '../../src/samples/events.js';
import { appWith, folderOf } from '../helpers/warehouse.js';

t.test('data/sample-events.json is the generator output at scale 1', async (t) => {
  const outPath = join(folderOf(t), 'sample-events.json');
  t.same(await generateEventSample({ scale: 1, outPath, format: 'array' }), { events: 31168, customers: 300 });
  t.ok(
    (await readFile(outPath)).equals(await readFile('data/sample-events.json')),
    'regenerate it with npm run generate-sample -- events',
  );
});

t.test('the sample is messy the way a real feed is', async (t) => {
  const values = splitValues(await readFile('data/sample-events.json', 'utf8'));
  const events = values.map((raw) => raw.value as Record<string, string>);
  const rejected = values.filter((raw) => 'reason' in checkEvent(raw.value));
  const texts = values.map((raw) => JSON.stringify(raw.value));
  const seenNew = new Set<string>();
  let updateBeforeNew = 0;
  let staleUpdates = 0;
  const newAt = new Map<string, string>();
  for (const event of events) {
    if (event?.type !== 'ORDER') continue;
    if (event.verb === 'NEW') {
      seenNew.add(event.key!);
      newAt.set(event.key!, event.event_time!);
    } else if (!seenNew.has(event.key!)) updateBeforeNew++;
  }
  for (const event of events) {
    if (event?.type === 'ORDER' && event.verb === 'UPDATE' && event.event_time! < newAt.get(event.key!)!) {
      staleUpdates++;
    }
  }
  t.ok(values.length > 20_000, `${values.length} events`);
  t.equal(new Set(events.filter((event) => event?.type === 'CUSTOMER').map((event) => event.key)).size, 300);
  t.ok(rejected.length > 20, `${rejected.length} bad events`);
  t.ok(texts.length - new Set(texts).size > 200, 'resent duplicates');
  t.ok(updateBeforeNew > 0, `${updateBeforeNew} UPDATEs arrive before their NEW`);
  t.ok(staleUpdates > 10, `${staleUpdates} stale UPDATEs`);
});

t.test(
  'the sample visits a catalogue of pages: many customers per page, some pages several times by one',
  async (t) => {
    const events = JSON.parse(await readFile('data/sample-events.json', 'utf8')) as Record<string, string>[];
    const customersOfPage = new Map<string, Set<string>>();
    const visitsOfPair = new Map<string, number>();
    for (const event of events) {
      if (event?.type !== 'SITE_VISIT' || 'reason' in checkEvent(event)) continue;
      customersOfPage.set(event.key!, (customersOfPage.get(event.key!) ?? new Set()).add(event.customer_id!));
      const pair = `${event.customer_id} ${event.key}`;
      visitsOfPair.set(pair, (visitsOfPair.get(pair) ?? 0) + 1);
    }
    t.ok(customersOfPage.size <= 400, `${customersOfPage.size} pages`);
    t.ok(Math.max(...[...customersOfPage.values()].map((customers) => customers.size)) > 100, 'a popular page');
    t.ok(
      [...visitsOfPair.values()].filter((visits) => visits >= 3).length > 100,
      'pages visited 3 times or more by one',
    );
  },
);

t.test("data/sample-events.ndjson, the README's NDJSON example, holds only events ingest accepts", async (t) => {
  const values = splitValues(await readFile('data/sample-events.ndjson', 'utf8'));
  t.ok(values.length >= 4);
  for (const raw of values) t.notOk('reason' in checkEvent(raw.value), JSON.stringify(raw.value));
  const { app } = await appWith(t, [{}]);
  const posted = await app.inject({
    method: 'POST',
    url: '/events',
    headers: { 'content-type': 'application/x-ndjson' },
    payload: await readFile('data/sample-events.ndjson'),
  });
  t.same(
    posted.json(),
    { accepted: values.length, duplicates: 0, rejected: [], conflicts: [] },
    'as the README posts it',
  );
});
