// The dashboard's script: reads this service's JSON, fills the tables and draws each table's chart (the panels are
// modules beside it), and reads again every 15 s, when the tab comes back into view and on "Reload data".
// It builds DOM nodes, never HTML from data, and calls nothing but this service.
import { LTV_SAMPLE, renderClv, renderLtv } from './customers.js';
import { $, el, fill, getText } from './dom.js';
import { renderHistory, renderQuality, renderRun, renderStatus } from './runs.js';
import { prefill } from './try-form.js';
import { renderVouchers } from './vouchers.js';

const REFRESH_MS = 15_000;

const state = { dataText: '', ltvText: '', clvKey: '', data: undefined, loading: undefined };

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
