// `npm run bench`: the figures the README quotes, rerunnable on any machine. Prints a report and
// writes it to bench/results.md. Not a test: it asserts nothing, it measures.
// `--only pipeline|serving|events|store|follow|clv|startup` runs one part and writes nothing.
import { mkdir, writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig, type Config } from '../config.js';
import { clvSection } from './clv.js';
import { eventsSection } from './events.js';
import { followSection } from './follow.js';
import { describeMachine } from './machine.js';
import { pipelineSection } from './pipeline.js';
import { seconds, type Say } from './report.js';
import { servingSection } from './serving.js';
import { startupSection } from './startup.js';
import { storeSection } from './store.js';

const PARTS: Record<string, (config: Config, say: Say) => Promise<void>> = {
  pipeline: pipelineSection,
  serving: servingSection,
  events: eventsSection,
  store: storeSection,
  follow: followSection,
  clv: clvSection,
  startup: startupSection,
};

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { only: { type: 'string' } } });
  if (values.only !== undefined && !(values.only in PARTS)) {
    throw new Error(`--only takes one of ${Object.keys(PARTS).join(', ')}, not ${values.only}`);
  }
  const config = loadConfig();
  const started = performance.now();
  const lines: string[] = [
    '# Benchmark results',
    '',
    `Machine: ${await describeMachine()}`,
    `Run at: ${new Date().toISOString()}`,
    '',
  ];
  const say: Say = (line = '') => {
    console.log(line);
    lines.push(line);
  };

  for (const [name, part] of Object.entries(PARTS)) {
    if (values.only === undefined || values.only === name) await part(config, say);
  }
  say(`Whole run: ${seconds(performance.now() - started)}.`);
  if (values.only !== undefined) return;
  await mkdir('bench', { recursive: true });
  await writeFile('bench/results.md', `${lines.join('\n')}\n`);
  console.log('\nwritten to bench/results.md');
}

main().catch((error: unknown) => {
  console.error(`bench failed: ${error instanceof Error ? error.stack : String(error)}`);
  process.exitCode = 1;
});
