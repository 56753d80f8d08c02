// Small DOM helpers: every text goes in as text (never as HTML), so data from the API cannot inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'text') el.textContent = v;
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, v);
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === undefined || c === null || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children, skipping empty ones and flattening arrays as h() does. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

let ids = 0;
export function uid(prefix = 'f') { ids += 1; return `${prefix}-${ids}`; }

/** A labelled form field; returns {row, input}. */
export function field(label, input, hint) {
  input.id = input.id || uid();
  const hintEl = hint ? h('small', { class: 'hint', id: input.id + '-hint' }, hint) : null;
  if (hintEl) input.setAttribute('aria-describedby', hintEl.id);
  return { row: h('div', { class: 'field' }, h('label', { for: input.id }, label), input, hintEl), input };
}

export function select(options, value) {
  return h('select', {}, options.map(([v, label]) => h('option', { value: v, selected: v === value }, label)));
}

export function button(label, onclick, cls = "", ariaLabel) {
  return h("button", { type: "button", class: cls, onclick, "aria-label": ariaLabel }, label);
}

/** Shows an error (or success) message in the page's alert region. */
export function notify(message, kind = 'error', action) {
  const region = document.getElementById('messages');
  region.replaceChildren(h('div', { class: `message ${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    h('span', {}, message), h('span', { class: 'actions' },
      action ? button(action[0], () => { region.replaceChildren(); action[1](); }, 'small') : null,
      button('Dismiss', () => region.replaceChildren(), 'link'))));
  region.scrollIntoView({ block: 'nearest' });
}

export function clearNotice() {
  document.getElementById('messages').replaceChildren();
}

export function describeError(e) {
  return e && typeof e.describe === 'function' ? e.describe() : String(e && e.message ? e.message : e);
}

/** Runs an async action, showing its error plainly; returns its value or undefined. */
export async function attempt(action, success) {
  try {
    const v = await action();
    if (success) notify(success, 'ok');
    return v;
  } catch (e) {
    notify(describeError(e));
    return undefined;
  }
}

/** A table from rows; columns = [[header, row => cell]]. */
export function table(columns, rows, caption) {
  return h('table', {},
    caption ? h('caption', {}, caption) : null,
    h('thead', {}, h('tr', {}, columns.map(([head]) => h('th', { scope: 'col' }, head)))),
    h('tbody', {}, rows.length ? rows.map(r => h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(r)))))
      : h('tr', {}, h('td', { colspan: columns.length, class: 'empty' }, 'Nothing here yet.'))));
}

/** Fills a pager with Previous and Next page buttons around the page number; go(-1) or go(1) moves. */
export function fillPager(pager, index, hasNext, go) {
  const prev = button('Previous page', () => go(-1));
  const next = button('Next page', () => go(1));
  prev.disabled = index === 0;
  next.disabled = !hasNext;
  pager.replaceChildren(prev, h('span', {}, `Page ${index + 1}`), next);
}

/**
 * Checks a JSON text field as the user types: shows why it is not valid (or what check() says is wrong with the
 * value) under it. @return {value} (empty text = null), or undefined when there is a problem
 */
export function checkJsonField(textarea, errorEl, check = () => null) {
  const text = textarea.value.trim();
  let value = null;
  let problem = null;
  if (text) {
    try {
      value = JSON.parse(text);
      problem = check(value);
    } catch (e) {
      problem = `Not valid JSON: ${e.message}`;
    }
  }
  errorEl.hidden = !problem;
  errorEl.textContent = problem || '';
  textarea.setAttribute('aria-invalid', String(!!problem));
  return problem ? undefined : { value };
}

/** A read-only value with a Copy button (keys, connection strings, codes). */
/**
 * A value with a Copy button. With {@code shown}, the page shows that (a masked secret) and copies the value itself;
 * if the clipboard is refused, the value is revealed and selected for Ctrl+C.
 */
export function copyable(value, label, shown) {
  const out = h('code', { class: 'secret' }, shown === undefined ? value : shown);
  return h('span', { class: 'copyable' }, out, button('Copy', async ev => {
    try {
      await navigator.clipboard.writeText(value);
      ev.target.textContent = 'Copied';
    } catch (e) {
      out.textContent = value;
      const range = document.createRange();
      range.selectNodeContents(out);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      ev.target.textContent = 'Selected: press Ctrl+C';
    }
  }, 'small', label ? `Copy ${label}` : undefined));
}

export function badge(text, kind) {
  return h('span', { class: `badge ${kind || text}` }, text);
}

export function section(title, ...children) {
  const id = uid('s');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...children);
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** Reads a chosen file as text (PEM uploads). */
export function readFile(input) {
  const file = input.files && input.files[0];
  if (!file) return Promise.reject(new Error('Choose a file first.'));
  return file.text();
}

export function confirmAction(message) {
  return window.confirm(message);
}
