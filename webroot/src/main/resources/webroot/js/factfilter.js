// The list's filter by program facts: a tool and lengths along X, Y and Z. The server knows the
// facts (GET /api/files?tool=&minLengthX=...); its answer names the files that pass, and the list
// shows only those until the filter is cleared. Asked again when files change, since a new
// revision brings new facts.
import { h } from './dom.js';
import { api } from './api.js';
import { filesFromGroups } from './filemodel.js';
import { FACT_FIELDS, describeFactQuery, factQuery } from './programfacts.js';

const TYPING_MS = 400;
/** A new revision's facts are computed right after it is stored: ask a moment after the change. */
const REFRESH_MS = 1500;

/**
 * Adds the filter to `toolbar`; `onMatches(Set of filenames | null)` gets the files that pass, or
 * null when no fact filter is set. `store` tells when files change.
 */
export function mountFactFilter(toolbar, { store, onMatches }) {
  const inputs = {};
  const field = (key, label, attrs) => {
    const id = `fact-${key}`;
    inputs[key] = h('input', { id, type: 'text', inputmode: 'decimal', autocomplete: 'off', size: 6, dataset: { testid: `fact-${key}` }, ...attrs });
    return h('div', { class: 'field' }, h('label', { for: id }, label), inputs[key]);
  };
  const byKey = Object.fromEntries(FACT_FIELDS.map((f) => [f.key, f]));
  const status = h('span', { class: 'fact-status muted small', dataset: { testid: 'fact-status' } });
  const error = h('p', { class: 'form-error', role: 'alert', dataset: { testid: 'fact-error' } });
  const clear = h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'fact-clear' } }, 'Clear');
  const details = h('details', { class: 'fact-filter', dataset: { testid: 'fact-filter' } },
    h('summary', null, 'Program ', status),
    h('div', { class: 'fact-fields' },
      field('tool', byKey.tool.label, { inputmode: 'numeric', placeholder: 'T12' }),
      ['X', 'Y', 'Z'].map((axis) => h('fieldset', { class: 'inline fact-axis' }, h('legend', null, `Length in ${axis} (mm)`),
        field(`minLength${axis}`, 'at least'), field(`maxLength${axis}`, 'at most'))),
      h('div', { class: 'fact-actions' }, clear)),
    error);
  toolbar.appendChild(details);

  let timer = null;
  let asked = 0;
  let active = null;

  function schedule(ms) {
    clearTimeout(timer);
    timer = setTimeout(apply, ms);
  }

  async function apply() {
    const values = Object.fromEntries(Object.entries(inputs).map(([k, input]) => [k, input.value]));
    const { query, error: problem, field: wrong } = factQuery(values);
    for (const [key, input] of Object.entries(inputs)) input.setAttribute('aria-invalid', String(key === wrong));
    error.textContent = problem || '';
    if (problem) return;
    const token = ++asked;
    active = query;
    if (!query) {
      status.textContent = '';
      onMatches(null);
      return;
    }
    status.textContent = `${describeFactQuery(query)} \u2026`;
    try {
      const groups = await api.filesByFacts(query);
      if (token !== asked) return;
      const names = new Set(filesFromGroups(groups).keys());
      status.textContent = `${describeFactQuery(query)}: ${names.size} ${names.size === 1 ? 'file' : 'files'}`;
      onMatches(names);
    } catch (err) {
      if (token !== asked) return;
      error.textContent = `Cannot filter by program: ${err.message}`;
    }
  }

  for (const input of Object.values(inputs)) input.addEventListener('input', () => schedule(TYPING_MS));
  clear.addEventListener('click', () => {
    for (const input of Object.values(inputs)) input.value = '';
    apply();
  });
  store.subscribe(() => {
    if (active) schedule(REFRESH_MS);
  }, ['files']);
  return details;
}
