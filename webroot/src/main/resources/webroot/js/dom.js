// Tiny element builder. Every string child becomes a text node, so user data never turns into markup.
import { formatFullTime } from './format.js';

/**
 * h('button', { class: 'btn', dataset: { action: 'checkout' }, 'aria-label': 'Check out' }, 'Check out')
 * Props: class, dataset, text, on<event> (listener); true -> empty attribute; null/false/undefined -> skipped.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const key of Object.keys(props)) {
      const value = props[key];
      if (value == null || value === false) continue;
      if (key === 'class') el.className = value;
      else if (key === 'dataset') Object.assign(el.dataset, value);
      else if (key === 'text') el.textContent = value;
      else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
      else if (key === 'value' || key === 'checked' || key === 'selected' || key === 'disabled') el[key] = value;
      else el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  appendChildren(el, children);
  return el;
}

function appendChildren(el, children) {
  for (const child of children) {
    if (child == null || child === false) continue;
    if (Array.isArray(child)) appendChildren(el, child);
    else if (typeof child === 'string' || typeof child === 'number') el.appendChild(document.createTextNode(String(child)));
    else el.appendChild(child);
  }
}

/** A <time> element showing `label` for the ISO instant `iso` (full date in its title). */
export function timeEl(iso, label) {
  return fillTime(document.createElement('time'), iso, label);
}

/** Fills an existing <time> element (see timeEl). */
export function fillTime(el, iso, label) {
  el.dateTime = iso || '';
  el.textContent = label;
  if (iso) el.title = formatFullTime(iso);
  return el;
}

export function byId(id) {
  return document.getElementById(id);
}
