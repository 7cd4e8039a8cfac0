// User preferences: theme (light / dark / system), tooltips, browser notifications.
import { h } from './dom.js';
import { openModal } from './modals.js';
import { setTooltipsEnabled, tooltipsEnabled } from './tooltips.js';
import { formatDuration, formatSize } from './format.js';

const THEME_KEY = 'ncvault.theme';
export const THEMES = ['system', 'light', 'dark'];

const LIST_MODE_KEY = 'ncvault.listMode.';

/** The file list's form a user chose last in this browser: "cards" (the default) or "table". */
export function listModeOf(username, storage = globalThis.localStorage) {
  try {
    return storage.getItem(LIST_MODE_KEY + username) === 'table' ? 'table' : 'cards';
  } catch (e) {
    return 'cards';
  }
}

export function rememberListMode(username, mode, storage = globalThis.localStorage) {
  try {
    storage.setItem(LIST_MODE_KEY + username, mode);
  } catch (e) {
    // Not remembered; the choice lasts for this page.
  }
}

/** The theme to apply: an explicit choice wins, "system" follows the OS. */
export function resolveTheme(preference, prefersDark) {
  if (preference === 'light' || preference === 'dark') return preference;
  return prefersDark ? 'dark' : 'light';
}

function storedTheme() {
  try {
    const value = localStorage.getItem(THEME_KEY);
    return THEMES.includes(value) ? value : 'system';
  } catch (e) {
    return 'system';
  }
}

const darkQuery = () => window.matchMedia('(prefers-color-scheme: dark)');

function applyTheme(preference) {
  const root = document.documentElement;
  root.dataset.theme = resolveTheme(preference, darkQuery().matches);
  root.dataset.themePreference = preference;
}

export function initTheme() {
  applyTheme(storedTheme());
  darkQuery().addEventListener('change', () => applyTheme(storedTheme()));
}

function setTheme(preference) {
  try {
    localStorage.setItem(THEME_KEY, preference);
  } catch (e) {
    // Not remembered; applied to this page.
  }
  applyTheme(preference);
}

/** Shows a browser notification when the user allowed them (asked only from the settings button). */
export function notifyBrowser(title, body) {
  if (!('Notification' in window) || Notification.permission !== 'granted') return;
  try {
    new Notification(title, { body, tag: `ncvault-${title}-${body}` });
  } catch (e) {
    // Some browsers allow notifications only from a service worker; the toast is shown anyway.
  }
}

function permissionText() {
  if (!('Notification' in window)) return 'This browser has no notifications.';
  switch (Notification.permission) {
    case 'granted': return 'Browser notifications are on.';
    case 'denied': return 'Browser notifications are blocked in the browser settings.';
    default: return 'Browser notifications are off.';
  }
}

export function openSettings({ user, serverSettings }) {
  const current = storedTheme();
  const themeField = h('fieldset', { class: 'inline' }, h('legend', null, 'Theme'),
    THEMES.map((t) => h('label', { for: `theme-${t}` },
      h('input', { id: `theme-${t}`, type: 'radio', name: 'theme', value: t, checked: t === current, dataset: { testid: `theme-${t}` } }),
      ` ${t[0].toUpperCase()}${t.slice(1)}`)));
  themeField.addEventListener('change', (e) => {
    if (e.target.name === 'theme') setTheme(e.target.value);
  });

  const tips = h('input', { id: 'settings-tooltips', type: 'checkbox', checked: tooltipsEnabled(), dataset: { testid: 'settings-tooltips' } });
  tips.addEventListener('change', () => setTooltipsEnabled(tips.checked));

  const status = h('p', { class: 'muted', 'aria-live': 'polite', dataset: { testid: 'notification-status' } }, permissionText());
  const ask = h('button', { type: 'button', class: 'btn', dataset: { testid: 'notification-permission' } }, 'Allow browser notifications');
  ask.disabled = !('Notification' in window) || Notification.permission !== 'default';
  ask.addEventListener('click', () => {
    Notification.requestPermission().then(() => {
      status.textContent = permissionText();
      ask.disabled = Notification.permission !== 'default';
    });
  });

  const content = [
    themeField,
    h('label', { for: 'settings-tooltips', class: 'check' }, tips, ' Show tooltips on the main controls'),
    h('h3', null, 'Notifications'),
    h('p', null, 'Messages, overridden locks and watched files that become free can also show as browser notifications.'),
    status, ask,
  ];
  if (user && user.role === 'admin' && serverSettings) {
    const rows = [
      ['Node', serverSettings.nodeName],
      ['Version', serverSettings.version],
      ['Largest upload', formatSize(serverSettings.maxUploadBytes)],
      ['Allowed extensions', (serverSettings.allowedExtensions || []).join(' ')],
      ['Stale lock after', formatDuration(serverSettings.staleLockSeconds || 0)],
    ];
    content.push(h('h3', null, 'Server'), h('dl', { class: 'facts', dataset: { testid: 'server-settings' } },
      rows.map(([k, v]) => [h('dt', null, k), h('dd', null, v == null ? '' : String(v))])));
  }
  const done = h('button', { type: 'button', class: 'btn btn-primary' }, 'Done');
  const modal = openModal({ title: 'Settings', testid: 'settings-modal', content, footer: [done] });
  done.addEventListener('click', modal.close);
  return modal;
}
