// Charts with Chart.js (its UMD build, loaded before the modules): one per canvas, given new data on a re-read
// rather than drawn again, each with an aria-label that names the table holding the same figures.
/** Okabe-Ito: colours that stay distinct for the colour-blind. */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#8C6D31', '#000000'];

const charts = {};
const hasCharts = typeof window.Chart === 'function';
if (hasCharts) {
  window.Chart.defaults.animation = false;
  window.Chart.defaults.maintainAspectRatio = false;
  window.Chart.defaults.font.family = window.getComputedStyle(document.documentElement).fontFamily;
  window.Chart.defaults.color = '#1d2430';
}

/** Draws a chart on the canvas, or gives the one already there new data (no flicker on a re-read). */
export function draw(name, canvas, config, label) {
  canvas.setAttribute('aria-label', label);
  if (!hasCharts) return;
  const chart = charts[name];
  if (chart && chart.config.type === config.type) {
    chart.data = config.data;
    chart.options = config.options;
    chart.update('none');
    return;
  }
  chart?.destroy();
  charts[name] = new window.Chart(canvas, config);
}

export function translucent(colour) {
  return `${colour}59`;
}

/** Equal-width ranges with a round width (1, 2 or 5 times a power of ten), about `target` of them. */
export function histogram(values, target = 10) {
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
