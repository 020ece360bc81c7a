// "Try a customer": a form prefilled with the seed's example request that sends POST /select-voucher and shows the
// answer (amount, variant, basis, run) or the error's code and message.
import { $, el, integer } from './dom.js';

const form = $('#try-form');

export function prefill(data) {
  const segments = [...new Set(data.vouchers.segments.map((variant) => variant.segment_name))];
  const select = form.elements.segment_name;
  const chosen = select.value || data.example_request.segment_name;
  select.replaceChildren(...segments.map((name) => el('option', { value: name, text: name })));
  if (!segments.includes(chosen)) select.append(el('option', { value: chosen, text: chosen }));
  select.value = chosen;
  $('#countries').replaceChildren(
    ...data.vouchers.countries.map((country) => el('option', { value: country.country_code })),
  );
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
