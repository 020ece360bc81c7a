// The dashboard's script: reads this service's JSON, fills the tables and draws each table's chart with Chart.js
// (loaded before it), and reads again every 15 s, when the tab comes back into view and on "Reload data".
// It builds DOM nodes, never HTML from data, and calls nothing but this service.
const REFRESH_MS = 15_000;
const TOP_CUSTOMERS = 10;
const TREND_RUNS = 12;
/** The most customers GET /customers/top-ltv lists: the distribution chart covers them. */
const LTV_SAMPLE = 1000;
/** Okabe-Ito: colours that stay distinct for the colour-blind. */
const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#8C6D31', '#000000'];
const ALL = '';

const integer = new Intl.NumberFormat('en-US');
const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
const probability = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

const state = { dataText: '', ltvText: '', clvKey: '', data: undefined, charts: {}, loading: undefined };

const $ = (selector) => document.querySelector(selector);

/** An element with attributes (class, text, or any attribute) and children (nodes or text). */
function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') node.className = value;
    else if (name === 'text') node.textContent = value;
    else node.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child !== undefined && child !== null) node.append(child);
  }
  return node;
}

/** A right-aligned number cell; the exact value stays machine-readable in a <data> element. */
function numberCell(value, format = integer) {
  if (value === undefined || value === null) return el('td', { class: 'num muted', text: '—' });
  return el('td', { class: 'num' }, el('data', { value, text: format.format(value) }));
}

function textCell(value, attributes = {}) {
  return el('td', attributes, value === undefined || value === null || value === '' ? '—' : value);
}

function fill(table, rows, emptyText, columns) {
  const body = table.tBodies[0];
  if (rows.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: columns, class: 'muted', text: emptyText })));
  } else body.replaceChildren(...rows);
}

function utc(iso) {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

function ago(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

function timeNode(iso) {
  return el('time', { datetime: iso, title: iso, text: utc(iso) });
}

function duration(ms) {
  if (ms === undefined || ms === null) return '—';
  return ms < 1000 ? `${ms} ms` : `${decimal.format(ms / 1000)} s`;
}

function bytes(count) {
  if (count === undefined || count === null) return '—';
  if (count < 1024) return `${integer.format(count)} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = count / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${decimal.format(value)} ${units[unit]} (${integer.format(count)} bytes)`;
}

function shortSegment(name) {
  return name.replace(/_segment$/, '');
}

async function getText(url) {
  const response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
  const text = await response.text();
  if (!response.ok) {
    let message = text;
    try {
      message = JSON.parse(text).message ?? text;
    } catch {}
    throw new Error(`${url} answered ${response.status}: ${message}`);
  }
  return text;
}

// Charts -------------------------------------------------------------------------------------------------------

const hasCharts = typeof window.Chart === 'function';
if (hasCharts) {
  window.Chart.defaults.animation = false;
  window.Chart.defaults.maintainAspectRatio = false;
  window.Chart.defaults.font.family = window.getComputedStyle(document.documentElement).fontFamily;
  window.Chart.defaults.color = '#1d2430';
}

/** Draws a chart on the canvas, or gives the one already there new data (no flicker on a re-read). */
function draw(name, canvas, config, label) {
  canvas.setAttribute('aria-label', label);
  if (!hasCharts) return;
  const chart = state.charts[name];
  if (chart && chart.config.type === config.type) {
    chart.data = config.data;
    chart.options = config.options;
    chart.update('none');
    return;
  }
  chart?.destroy();
  state.charts[name] = new window.Chart(canvas, config);
}

function translucent(colour) {
  return `${colour}59`;
}

// Panels -------------------------------------------------------------------------------------------------------

function renderStatus(data) {
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

function renderVouchers(data) {
  const { answers, countries } = data.vouchers;
  let previous;
  const rows = answers.map((row) => {
    const start = row.country_code !== previous;
    previous = row.country_code;
    return el(
      'tr',
      { class: start ? 'group-start' : undefined },
      el('th', { scope: 'row', text: row.country_code }),
      textCell(row.segment_name),
      textCell(row.segment_variant),
      numberCell(row.voucher_amount),
      textCell(row.basis === 'segment' ? 'variant' : 'country', {
        class: row.basis === 'segment' ? undefined : 'muted',
      }),
      numberCell(row.voucher_count),
      numberCell(row.variant_rows),
      numberCell(row.country_voucher_amount),
    );
  });
  fill($('#voucher-table'), rows, 'No country has clean rows in this run.', 8);

  const select = $('#voucher-country');
  const chosen = select.value;
  const names = countries.map((country) => country.country_code);
  select.replaceChildren(
    el('option', { value: ALL, text: 'All countries' }),
    ...names.map((name) => el('option', { value: name, text: name })),
  );
  select.value = names.includes(chosen) ? chosen : names.length > 6 ? names[0] : ALL;
  drawVoucherChart(data);

  $('#countries').replaceChildren(...names.map((name) => el('option', { value: name })));
}

function drawVoucherChart(data) {
  const chosen = $('#voucher-country').value;
  const { answers, segments } = data.vouchers;
  const variants = segments.map((variant) => ({
    key: `${variant.segment_name}\u0000${variant.segment_variant}`,
    label: `${shortSegment(variant.segment_name)} ${variant.segment_variant}`,
  }));
  const countries = data.vouchers.countries
    .map((country) => country.country_code)
    .filter((name) => chosen === ALL || name === chosen);
  const byCountry = new Map();
  for (const row of answers) {
    byCountry.set(`${row.country_code}\u0000${row.segment_name}\u0000${row.segment_variant}`, row);
  }
  const datasets = countries.map((country, index) => {
    const colour = PALETTE[index % PALETTE.length];
    const rows = variants.map((variant) => byCountry.get(`${country}\u0000${variant.key}`));
    return {
      label: country,
      data: rows.map((row) => row?.voucher_amount ?? null),
      rows,
      backgroundColor: rows.map((row) => (row?.basis === 'segment' ? colour : translucent(colour))),
      borderColor: colour,
      borderWidth: 1,
    };
  });
  const label =
    `Bar chart of the voucher amount per segment variant for ${countries.join(', ') || 'no country'}; ` +
    'the table "Voucher per country, segment and variant" holds the same figures.';
  draw(
    'vouchers',
    $('#voucher-chart'),
    {
      type: 'bar',
      data: { labels: variants.map((variant) => variant.label), datasets },
      options: {
        scales: { y: { beginAtZero: true, title: { display: true, text: 'voucher amount' } } },
        plugins: {
          legend: { display: countries.length > 1, position: 'bottom' },
          tooltip: {
            callbacks: {
              label: (item) => {
                const row = item.dataset.rows[item.dataIndex];
                if (!row) return `${item.dataset.label}: no answer`;
                const basis =
                  row.basis === 'segment'
                    ? `${integer.format(row.voucher_count)} of ${integer.format(row.variant_rows)} rows`
                    : 'country fallback';
                return `${item.dataset.label}: ${integer.format(row.voucher_amount)} (${basis})`;
              },
            },
          },
        },
      },
    },
    label,
  );
}

function renderRun(data) {
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

function renderQuality(data) {
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

function renderHistory(data) {
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

/** Equal-width ranges with a round width (1, 2 or 5 times a power of ten), about `target` of them. */
function histogram(values, target = 10) {
  const max = Math.max(...values);
  if (!(max > 0)) return [{ low: 0, high: 0, count: values.length }];
  const raw = max / target;
  const power = 10 ** Math.floor(Math.log10(raw));
  const width = [1, 2, 5, 10].map((step) => step * power).find((step) => step >= raw);
  const bins = Array.from({ length: Math.floor(max / width) + 1 }, (_, index) => ({
    low: index * width,
    high: (index + 1) * width,
    count: 0,
  }));
  for (const value of values) bins[Math.min(bins.length - 1, Math.floor(Math.max(0, value) / width))].count++;
  return bins;
}

function renderLtv(customers) {
  const rows = customers
    .slice(0, TOP_CUSTOMERS)
    .map((customer, index) =>
      el(
        'tr',
        {},
        numberCell(index + 1),
        el('th', { scope: 'row' }, el('code', { text: customer.customer_id })),
        textCell(customer.last_name),
        numberCell(customer.ltv, money),
        numberCell(customer.revenue, money),
        numberCell(customer.visits),
      ),
    );
  fill($('#ltv-table'), rows, 'No customers yet: send events to POST /events.', 6);

  const bins = customers.length > 0 ? histogram(customers.map((customer) => customer.ltv)) : [];
  const bound = (value) => (bins.length > 1 && bins[1].low >= 10 ? integer : money).format(value);
  const rangeOf = (bin) => (bin.high === 0 ? '0' : `${bound(bin.low)} to under ${bound(bin.high)}`);
  fill(
    $('#ltv-distribution'),
    bins.map((bin) => el('tr', {}, el('th', { scope: 'row', text: rangeOf(bin) }), numberCell(bin.count))),
    'No customers yet.',
    2,
  );
  const covered =
    customers.length >= LTV_SAMPLE
      ? `the ${integer.format(customers.length)} customers with the highest LTV (the most the service lists)`
      : `all ${integer.format(customers.length)} customers`;
  $('#ltv-caption').textContent = `Customers per lifetime value range, over ${covered} (table below).`;
  draw(
    'ltv',
    $('#ltv-chart'),
    {
      type: 'bar',
      data: {
        labels: bins.map((bin) => (bin.high === 0 ? '0' : `${integer.format(bin.low)}–${integer.format(bin.high)}`)),
        datasets: [{ label: 'customers', data: bins.map((bin) => bin.count), backgroundColor: PALETTE[0] }],
      },
      options: {
        scales: {
          y: { beginAtZero: true, ticks: { precision: 0 }, title: { display: true, text: 'customers' } },
          x: { title: { display: true, text: 'lifetime value (USD)' } },
        },
        plugins: { legend: { display: false } },
      },
    },
    `Histogram of the lifetime value over ${covered}; the table "Customers per lifetime value range" holds the same figures.`,
  );
}

function renderClv(panel) {
  $('#clv').dataset.state = panel.available ? 'available' : 'unavailable';
  const message = $('#clv-message');
  const wrap = $('#clv-wrap');
  if (!panel.available) {
    message.textContent = `No customer value model to show: ${panel.message ?? `status ${panel.status}`}`;
    message.hidden = false;
    wrap.hidden = true;
    return;
  }
  message.hidden = true;
  wrap.hidden = false;
  const rows = panel.customers.map((customer) =>
    el(
      'tr',
      {},
      el('th', { scope: 'row' }, el('code', { text: customer.customer_id })),
      textCell(customer.last_name),
      numberCell(customer.frequency, decimal),
      numberCell(customer.recency_weeks, decimal),
      numberCell(customer.t_weeks, decimal),
      numberCell(customer.monetary_value, money),
      numberCell(customer.p_alive, probability),
      numberCell(customer.expected_purchases, decimal),
      numberCell(customer.expected_value, money),
    ),
  );
  fill($('#clv-table'), rows, 'The model lists no customer.', 9);
}

// The form -------------------------------------------------------------------------------------------------------

const form = $('#try-form');

function prefill(data) {
  const segments = [...new Set(data.vouchers.segments.map((variant) => variant.segment_name))];
  const select = form.elements.segment_name;
  const chosen = select.value || data.example_request.segment_name;
  select.replaceChildren(...segments.map((name) => el('option', { value: name, text: name })));
  if (!segments.includes(chosen)) select.append(el('option', { value: chosen, text: chosen }));
  select.value = chosen;
  if (form.dataset.prefilled) return;
  form.dataset.prefilled = 'true';
  for (const [name, value] of Object.entries(data.example_request)) {
    if (name !== 'segment_name' && form.elements[name]) form.elements[name].value = String(value);
  }
}

/** The form's fields as the API takes them: numbers where a number is meant, text otherwise (the API judges it). */
function requestBody() {
  const value = (name) => form.elements[name].value;
  const id = value('customer_id').trim();
  const orders = value('total_orders').trim();
  return {
    customer_id: /^-?\d{1,15}$/.test(id) ? Number(id) : value('customer_id'),
    country_code: value('country_code'),
    last_order_ts: value('last_order_ts'),
    first_order_ts: value('first_order_ts'),
    total_orders: orders !== '' && Number.isFinite(Number(orders)) ? Number(orders) : value('total_orders'),
    segment_name: value('segment_name'),
  };
}

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const result = $('#try-result');
  const body = requestBody();
  result.replaceChildren(el('p', { class: 'muted', text: 'Asking…' }));
  let response;
  let answer;
  try {
    response = await fetch('/select-voucher', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
    });
    answer = await response.json();
  } catch (error) {
    result.replaceChildren(el('p', { class: 'error', text: `The service could not be reached: ${error.message}` }));
    return;
  }
  if (!response.ok) {
    result.replaceChildren(
      el(
        'p',
        { class: 'error', 'data-code': answer.code },
        el('strong', { text: `${response.status} ${answer.code}` }),
        `: ${answer.message}`,
      ),
    );
    return;
  }
  const basis =
    answer.basis === 'segment'
      ? `the most used amount of that variant in ${answer.country_code}`
      : `the variant has no data in ${answer.country_code}, so the country's most used amount`;
  result.replaceChildren(
    el(
      'div',
      { class: 'answer' },
      el(
        'p',
        {},
        'Voucher amount ',
        el('data', { class: 'amount', value: answer.voucher_amount, text: integer.format(answer.voucher_amount) }),
      ),
      el(
        'p',
        {},
        `Customer ${body.customer_id}: variant `,
        el('strong', { text: answer.segment_variant }),
        ` of ${answer.segment_name}; basis `,
        el('strong', { text: answer.basis }),
        ` (${basis}); run `,
        el('code', { text: answer.run_id }),
        '.',
      ),
    ),
  );
});

// Reading ------------------------------------------------------------------------------------------------------

async function readClv(force) {
  const key = `${state.data?.served.run.run_id}|${state.ltvText.length}|${state.ltvText.slice(0, 200)}`;
  if (!force && key === state.clvKey) return;
  state.clvKey = key;
  try {
    renderClv(JSON.parse(await getText('/dashboard/clv.json')));
  } catch (error) {
    renderClv({ available: false, status: 0, message: error.message });
  }
}

/** A read that never rejects: a failure is said at the top of the page (and in the console, as a bug). */
async function read(force) {
  try {
    await readOnce(force);
  } catch (error) {
    $('#alert').replaceChildren(el('p', { text: `The dashboard could not show its data: ${error.message}` }));
    $('#alert').hidden = false;
    console.error(error);
  }
}

async function readOnce(force) {
  const [data, ltv] = await Promise.allSettled([
    getText('/dashboard/data.json'),
    getText(`/customers/top-ltv?limit=${LTV_SAMPLE}`),
  ]);
  if (data.status === 'fulfilled') {
    const parsed = JSON.parse(data.value);
    renderStatus(parsed);
    // The rest changes only with a refresh or a new failure: redrawn only then.
    const { generated_at: _, ...lasting } = parsed;
    const text = JSON.stringify(lasting);
    if (force || text !== state.dataText) {
      state.dataText = text;
      state.data = parsed;
      renderVouchers(parsed);
      renderRun(parsed);
      renderQuality(parsed);
      renderHistory(parsed);
      prefill(parsed);
    }
  } else {
    $('#alert').replaceChildren(el('p', { text: `The dashboard's data could not be read: ${data.reason.message}` }));
    $('#alert').hidden = false;
  }
  if (ltv.status === 'fulfilled') {
    if (force || ltv.value !== state.ltvText) {
      state.ltvText = ltv.value;
      renderLtv(JSON.parse(ltv.value));
    }
  } else {
    fill($('#ltv-table'), [], `The lifetime values could not be read: ${ltv.reason.message}`, 6);
  }
  document.body.dataset.loaded = String(Date.now());
  // The model may take a while to answer: the other panels do not wait for it.
  await readClv(force);
}

/**
 * One read at a time: a read asked for while one runs shares it, except a forced one (Reload data), which
 * follows it, so it never shows what was read before the click.
 */
function refresh(force = false) {
  if (state.loading && !force) return state.loading;
  const next = (state.loading ?? Promise.resolve()).then(() => read(force));
  state.loading = next;
  void next.then(() => {
    if (state.loading === next) state.loading = undefined;
  });
  return next;
}

$('#voucher-country').addEventListener('change', () => state.data && drawVoucherChart(state.data));
$('#reload').addEventListener('click', () => {
  void refresh(true);
});
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') void refresh();
});
setInterval(() => {
  if (document.visibilityState === 'visible') void refresh();
}, REFRESH_MS);
void refresh(true);
