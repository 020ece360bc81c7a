// The dashboard's small DOM and text helpers: elements built from data (never HTML strings), table cells with
// right-aligned machine-readable numbers, UTC times and sizes as people read them, and this service's JSON.
export const integer = new Intl.NumberFormat('en-US');
export const money = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
export const decimal = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });
export const probability = new Intl.NumberFormat('en-US', { minimumFractionDigits: 3, maximumFractionDigits: 3 });

export const $ = (selector) => document.querySelector(selector);

/** An element with attributes (class, text, or any attribute) and children (nodes or text). */
export function el(tag, attributes = {}, ...children) {
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
export function numberCell(value, format = integer) {
  if (value === undefined || value === null) return el('td', { class: 'num muted', text: '—' });
  return el('td', { class: 'num' }, el('data', { value, text: format.format(value) }));
}

export function textCell(value, attributes = {}) {
  return el('td', attributes, value === undefined || value === null || value === '' ? '—' : value);
}

export function fill(table, rows, emptyText, columns) {
  const body = table.tBodies[0];
  if (rows.length === 0) {
    body.replaceChildren(el('tr', {}, el('td', { colspan: columns, class: 'muted', text: emptyText })));
  } else body.replaceChildren(...rows);
}

export function utc(iso) {
  if (!iso) return '—';
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

export function ago(iso) {
  const seconds = Math.max(0, Math.round((Date.now() - Date.parse(iso)) / 1000));
  if (seconds < 90) return `${seconds} s ago`;
  if (seconds < 90 * 60) return `${Math.round(seconds / 60)} min ago`;
  if (seconds < 36 * 3600) return `${Math.round(seconds / 3600)} h ago`;
  return `${Math.round(seconds / 86400)} days ago`;
}

export function timeNode(iso) {
  return el('time', { datetime: iso, title: iso, text: utc(iso) });
}

export function duration(ms) {
  if (ms === undefined || ms === null) return '—';
  return ms < 1000 ? `${ms} ms` : `${decimal.format(ms / 1000)} s`;
}

export function bytes(count) {
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

export async function getText(url) {
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
