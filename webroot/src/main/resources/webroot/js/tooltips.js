// Tooltips for elements with data-tip: one floating element, shown on hover and keyboard focus,
// hidden on Escape; switched off by the setting (data-tooltips="off" on <html>).

const KEY = 'ncvault.tooltips';
let tip = null;
let current = null;

export function tooltipsEnabled(storage = globalThis.localStorage) {
  try {
    return storage.getItem(KEY) !== 'off';
  } catch (e) {
    return true;
  }
}

export function setTooltipsEnabled(enabled, storage = globalThis.localStorage) {
  try {
    storage.setItem(KEY, enabled ? 'on' : 'off');
  } catch (e) {
    // Not remembered; still applied to this page.
  }
  document.documentElement.dataset.tooltips = enabled ? 'on' : 'off';
  if (!enabled) hide();
}

function show(target) {
  if (document.documentElement.dataset.tooltips === 'off') return;
  const text = target.getAttribute('data-tip');
  if (!text) return;
  current = target;
  tip.textContent = text;
  tip.hidden = false;
  const box = target.getBoundingClientRect();
  const tipBox = tip.getBoundingClientRect();
  const margin = 6;
  let left = box.left + box.width / 2 - tipBox.width / 2;
  left = Math.max(margin, Math.min(left, window.innerWidth - tipBox.width - margin));
  let top = box.bottom + margin;
  if (top + tipBox.height > window.innerHeight - margin) top = box.top - tipBox.height - margin;
  tip.style.left = `${Math.round(left + window.scrollX)}px`;
  tip.style.top = `${Math.round(top + window.scrollY)}px`;
}

function hide() {
  current = null;
  if (tip) tip.hidden = true;
}

export function initTooltips() {
  document.documentElement.dataset.tooltips = tooltipsEnabled() ? 'on' : 'off';
  tip = document.createElement('div');
  tip.className = 'tooltip';
  tip.setAttribute('role', 'tooltip');
  tip.dataset.testid = 'tooltip';
  tip.hidden = true;
  document.body.appendChild(tip);
  document.addEventListener('mouseover', (e) => {
    const target = e.target.closest && e.target.closest('[data-tip]');
    if (target && target !== current) show(target);
    else if (!target && current) hide();
  });
  document.addEventListener('focusin', (e) => {
    const target = e.target.closest && e.target.closest('[data-tip]');
    if (target && target.matches(':focus-visible')) show(target);
    else hide();
  });
  document.addEventListener('focusout', hide);
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && current) hide();
  });
  window.addEventListener('scroll', hide, { passive: true });
  document.addEventListener('click', hide);
}
