// The voucher panel: one table row per country, segment and variant with the amount /select-voucher answers, its
// basis, rows and the country's fallback; beside it a bar chart of the same, for every country or one.
import { draw, PALETTE, translucent } from './charts.js';
import { $, el, fill, integer, numberCell, textCell } from './dom.js';

/** The chart's choice of every country. */
const ALL = '';
/** The data the chart was last drawn from, for a change of country. */
let current;

function shortSegment(name) {
  return name.replace(/_segment$/, '');
}

export function renderVouchers(data) {
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
  current = data;
  drawVoucherChart();
}

function drawVoucherChart(data = current) {
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

$('#voucher-country').addEventListener('change', () => current && drawVoucherChart());
