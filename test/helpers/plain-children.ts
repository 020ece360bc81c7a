// Loaded into every test process by `npm run test:compiled` (what `npm test` and `npm run test:stress` run),
// after tap's own loaders.
//
// tap adds its process-tracking loader (@tapjs/processinfo, which serves coverage, off here) to every
// process a test starts, through NODE_OPTIONS and a hook on spawn. It costs each child about 0.45 s
// of CPU, and the suite starts hundreds of children: every CLI call, server and DuckDB worker. The
// children run as an operator's would, with plain Node.
const spawnHooks = (globalThis as Record<symbol, { listeners: unknown[] } | undefined>)[
  Symbol.for('process-on-spawn@*:singletonId')
];
if (spawnHooks) spawnHooks.listeners.length = 0;
const options = process.env.NODE_OPTIONS?.replace(/"?--(?:import|loader)[= ]\S*@tapjs\/\S*/g, '').trim();
if (options) process.env.NODE_OPTIONS = options;
else delete process.env.NODE_OPTIONS;
