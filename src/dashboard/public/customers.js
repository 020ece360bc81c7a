// The customer panels: the top customers by lifetime value with a histogram of their values (and its table), and
// the customer value model's customers or its message.
import { draw, histogram, PALETTE } from './charts.js';
import { $, decimal, el, fill, integer, money, numberCell, probability, textCell } from './dom.js';

const TOP_CUSTOMERS = 10;
/** The most customers GET /customers/top-ltv lists: the distribution covers them. */
export const LTV_SAMPLE = 1000;

export function renderLtv(customers) {
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

export function renderClv(panel) {
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
