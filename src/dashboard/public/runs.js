// The panels about runs: the status line and the alert (a failed refresh, an unreadable warehouse), the served run,
// its data quality with each rule across the recent successful runs, and the run history.
import { draw, PALETTE } from './charts.js';
import { $, ago, duration, bytes, el, fill, numberCell, textCell, timeNode, utc } from './dom.js';

/** How many successful runs the data quality trend covers. */
const TREND_RUNS = 12;

export function renderStatus(data) {
  const { run, loaded_at: loadedAt } = data.served;
  document.body.dataset.runId = run.run_id;
  $('#status').replaceChildren(
    'Serving run ',
    el('code', { text: run.run_id }),
    `, built ${ago(run.finished_at)}; data read ${new Date(data.generated_at).toLocaleTimeString('en-GB')}`,
    data.served.refreshing ? ' (a refresh is running)' : '',
  );
  $('#status').title = `loaded by this server at ${loadedAt}`;

  const alerts = [];
  const failure = data.served.last_refresh_failure;
  if (failure && !failure.superseded_by) {
    alerts.push(
      el(
        'p',
        {},
        el('strong', { text: 'The latest refresh failed' }),
        ` (${utc(failure.at)}, ${failure.code}): ${failure.message} Still serving run `,
        el('code', { text: run.run_id }),
        '.',
      ),
    );
  }
  if (data.served.warehouse_error) {
    alerts.push(
      el('p', {
        text: `The warehouse file changed but could not be read (${data.served.warehouse_error.message}); still serving the run before it.`,
      }),
    );
  }
  $('#alert').replaceChildren(...alerts);
  $('#alert').hidden = alerts.length === 0;
}

export function renderRun(data) {
  const { run, loaded_at: loadedAt, is_latest: isLatest } = data.served;
  const entries = [
    ['Run', el('code', { class: 'id', text: run.run_id })],
    ['Status', run.status],
    ['Built', [timeNode(run.finished_at), ` (${ago(run.finished_at)})`]],
    ['Started', timeNode(run.started_at)],
    ['Duration', duration(run.duration_ms)],
    ['Input', el('code', { text: run.input_path ?? run.inputs?.vouchers ?? '—' })],
    ['Input size', bytes(run.input_bytes)],
    ['Rows read', numberCell(run.rows_read)],
    ['Rows kept', numberCell(run.rows_kept)],
    ['Rows rejected', numberCell(run.rows_rejected)],
    ['Voucher answers', numberCell(run.segment_vouchers)],
    ['Events read', numberCell(run.events_read)],
    ['Customers', numberCell(run.customers)],
    ['Order conflicts', numberCell(run.order_conflicts)],
    ['SQL checksum', el('code', { text: run.sql_checksum })],
    ['Served since', [timeNode(loadedAt), isLatest ? '' : ' (the warehouse file now holds another run)']],
  ];
  const rows = entries.map(([name, value]) => {
    const cell = value?.tagName === 'TD' ? value : el('td', {}, value);
    return el('tr', {}, el('th', { scope: 'row', text: name }), cell);
  });
  fill($('#run-table'), rows, '', 2);
}

function effectOf(effect) {
  return effect === 'rejected' ? 'rejected' : effect.replace('not counted toward', 'left out of');
}

export function renderQuality(data) {
  const rows = data.data_quality.map((rule) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, el('code', { text: rule.rule })),
      textCell(effectOf(rule.effect)),
      numberCell(rule.rows),
    ),
  );
  fill($('#quality-table'), rows, 'No rule touched a row: every row was kept and counted.', 3);

  const runs = data.runs
    .filter((run) => run.status === 'succeeded')
    .slice(0, TREND_RUNS)
    .reverse();
  const rules = new Map();
  for (const rule of data.data_quality) rules.set(rule.rule, effectOf(rule.effect));
  for (const run of runs) {
    for (const rule of Object.keys(run.rejected_by_rule ?? {})) if (!rules.has(rule)) rules.set(rule, 'rejected');
    for (const rule of Object.keys(run.excluded_by_rule ?? {})) {
      if (!rules.has(rule)) rules.set(rule, 'left out of a segment');
    }
  }
  const countOf = (run, rule) => run.rejected_by_rule?.[rule] ?? run.excluded_by_rule?.[rule] ?? 0;
  const runLabel = (run) => `${run.finished_at.slice(5, 10)} ${run.finished_at.slice(11, 19)}`;

  const head = $('#trend-table').tHead;
  head.replaceChildren(
    el(
      'tr',
      {},
      el('th', { scope: 'col', text: 'Rule' }),
      el('th', { scope: 'col', text: 'Effect' }),
      ...runs.map((run) =>
        el(
          'th',
          { scope: 'col', class: 'num', title: run.run_id },
          runLabel(run),
          el('br'),
          el('span', { class: 'muted id', text: run.run_id.slice(0, 8) }),
        ),
      ),
    ),
  );
  const trendRows = [...rules].map(([rule, effect]) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, el('code', { text: rule })),
      textCell(effect),
      ...runs.map((run) => numberCell(countOf(run, rule))),
    ),
  );
  fill($('#trend-table'), trendRows, 'No successful run yet.', 2 + runs.length);

  const datasets = [...rules].map(([rule, effect], index) => ({
    label: rule,
    data: runs.map((run) => countOf(run, rule)),
    borderColor: PALETTE[index % PALETTE.length],
    backgroundColor: PALETTE[index % PALETTE.length],
    borderDash: effect === 'rejected' ? [] : [6, 4],
    tension: 0,
    pointRadius: 3,
  }));
  draw(
    'quality',
    $('#quality-chart'),
    {
      type: 'line',
      data: { labels: runs.map(runLabel), datasets },
      options: {
        scales: { y: { beginAtZero: true, title: { display: true, text: 'rows' } } },
        plugins: { legend: { position: 'bottom', labels: { usePointStyle: true } } },
      },
    },
    `Line chart of the rows each cleaning rule touched in the last ${runs.length} successful runs (solid: rejected, ` +
      'dashed: left out of a segment); the table "Rows per rule in the recent successful runs" holds the same figures.',
  );
}

export function renderHistory(data) {
  const rows = data.runs.map((run) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, timeNode(run.finished_at)),
      el(
        'td',
        {},
        el('code', { class: 'run-id id', title: run.run_id, text: run.run_id }),
        run.is_served ? [' ', el('span', { class: 'badge served', text: 'served' })] : '',
      ),
      el('td', {}, el('span', { class: `badge ${run.status === 'succeeded' ? 'ok' : 'failed'}`, text: run.status })),
      el('td', { class: 'num', text: duration(run.duration_ms) }),
      numberCell(run.rows_read),
      numberCell(run.rows_kept),
      numberCell(run.rows_rejected),
      el(
        'td',
        { class: 'wrap-text' },
        run.status === 'failed'
          ? [el('code', { text: run.error_code ?? 'UNKNOWN' }), `: ${run.error_message ?? ''}`]
          : '',
      ),
    ),
  );
  fill($('#history-table'), rows, 'No refresh recorded yet.', 8);
}
