// Dashboard: active checkouts with live-ticking durations, activity feed (live, filters, paging),
// and two charts. Snapshot first (REST), then live ACTIVITY messages, as the file list does.
import { h, byId, timeEl } from './dom.js';
import { api } from './api.js';
import { EVENT_TYPES, formatDuration, formatTime, isFileEvent, verbOf } from './format.js';
import { checkinsChart, fillDays, locksChart } from './charts.js';

const PAGE = 50;
const STATS_DEBOUNCE_MS = 400;

/** Whether an activity entry passes the feed's user and type filters. */
export function activityMatches(entry, filter) {
  if (filter.user && entry.user !== filter.user) return false;
  if (filter.type && entry.event_type !== filter.type) return false;
  return true;
}

function activityItem(entry) {
  const parts = [h('strong', { class: 'who' }, entry.user || 'someone'), ` ${verbOf(entry.event_type)} `];
  if (entry.filename) parts.push(h('span', { class: 'fname' }, entry.filename), ' ');
  parts.push('at ', timeEl(entry.timestamp, formatTime(entry.timestamp)));
  if (entry.revision && (entry.event_type === 'checkin' || entry.event_type === 'create')) {
    parts.push(' ', h('span', { class: 'badge' }, `rev ${entry.revision}`));
  }
  const li = h('li', { class: `feed-item feed-${entry.event_type}`, dataset: { testid: 'activity-item', seq: entry.seq, type: entry.event_type } },
    h('p', null, parts));
  if (entry.message) li.appendChild(h('p', { class: 'feed-message' }, entry.message));
  return li;
}

export function createDashboard({ store, toast }) {
  const els = {
    totals: byId('dash-totals'),
    checkouts: byId('checkouts-body'),
    checkoutsEmpty: byId('checkouts-empty'),
    charts: byId('dash-charts'),
    feed: byId('activity-list'),
    feedEmpty: byId('activity-empty'),
    more: byId('activity-more'),
    user: byId('activity-user'),
    type: byId('activity-type'),
    knownUsers: byId('known-users'),
  };
  // replaceChildren takes nodes, not an array: an array would become one text node.
  els.type.replaceChildren(h('option', { value: '' }, 'All events'),
    ...EVENT_TYPES.map((t) => h('option', { value: t }, verbOf(t))));

  let visible = false;
  let ticker = null;
  let statsTimer = null;
  let rows = [];
  let entries = [];
  let seqs = new Set();
  let feedLoaded = false;
  let loadingMore = false;
  let filter = { user: '', type: '' };
  const users = new Set();

  function staleSeconds() {
    const s = store.state.settings;
    return (s && s.staleLockSeconds) || 24 * 3600;
  }

  function renderTotals(stats) {
    const facts = [
      ['Files', stats.total_files], ['Checked out', stats.locked_files], ['Revisions', stats.total_revisions],
      ['Deleted', stats.deleted_files], ['Users', stats.users],
    ];
    els.totals.replaceChildren(...facts.filter(([, v]) => v != null).map(([k, v]) =>
      h('div', { class: 'stat' }, h('span', { class: 'stat-value' }, String(v)), h('span', { class: 'stat-label' }, k))));
  }

  function renderCheckouts(list) {
    const now = performance.now();
    rows = list.map((c) => {
      const duration = h('td', { class: 'num', dataset: { testid: 'checkout-duration', label: 'Duration' } });
      const badge = h('span', { class: 'badge badge-warn', hidden: true }, 'stale');
      const tr = h('tr', { dataset: { testid: 'checkout-row', filename: c.filename } },
        h('td', { dataset: { label: 'File' } }, h('span', { class: 'fname' }, c.filename), ' ', badge,
          c.lock_message ? h('span', { class: 'muted small block' }, c.lock_message) : null),
        h('td', { dataset: { label: 'User' } }, c.locked_by),
        h('td', { dataset: { label: 'Since' } }, timeEl(c.locked_at, formatTime(c.locked_at))),
        duration);
      return { tr, duration, badge, base: Number(c.duration_seconds) || 0, at: now };
    });
    els.checkouts.replaceChildren(...rows.map((r) => r.tr));
    els.checkoutsEmpty.hidden = rows.length > 0;
    tick();
  }

  function tick() {
    const now = performance.now();
    const stale = staleSeconds();
    for (const r of rows) {
      const seconds = r.base + (now - r.at) / 1000;
      r.duration.textContent = formatDuration(seconds);
      const isStale = seconds >= stale;
      r.tr.classList.toggle('stale', isStale);
      r.badge.hidden = !isStale;
    }
  }

  function renderCharts(stats) {
    els.charts.replaceChildren(
      checkinsChart(fillDays(stats.checkins_per_day, new Date(), 30)),
      locksChart(stats.locks_per_user || []));
  }

  function loadStats() {
    clearTimeout(statsTimer);
    statsTimer = null;
    return api.stats().then((stats) => {
      renderTotals(stats);
      renderCheckouts(stats.active_checkouts || []);
      renderCharts(stats);
    }).catch((err) => toast(`Cannot load the dashboard: ${err.message}`, 'error'));
  }

  function scheduleStats() {
    if (!visible || statsTimer) return;
    statsTimer = setTimeout(loadStats, STATS_DEBOUNCE_MS);
  }

  function rememberUser(name) {
    if (!name || users.has(name)) return;
    users.add(name);
    els.knownUsers.appendChild(h('option', { value: name }));
  }

  function renderFeedState(hasMore) {
    els.feedEmpty.hidden = entries.length > 0;
    if (hasMore !== undefined) els.more.hidden = !hasMore;
  }

  function loadActivity(reset) {
    if (reset) {
      entries = [];
      seqs = new Set();
      els.feed.replaceChildren();
    }
    loadingMore = true;
    els.more.disabled = true;
    return api.activity({ limit: PAGE, offset: entries.length, user: filter.user, type: filter.type })
      .then((data) => {
        const list = (data && data.activities) || [];
        for (const entry of list) {
          if (seqs.has(entry.seq)) continue;
          seqs.add(entry.seq);
          entries.push(entry);
          rememberUser(entry.user);
          els.feed.appendChild(activityItem(entry));
        }
        feedLoaded = true;
        renderFeedState(list.length === PAGE);
      })
      .catch((err) => toast(`Cannot load the activity: ${err.message}`, 'error'))
      .finally(() => {
        loadingMore = false;
        els.more.disabled = false;
      });
  }

  let filterTimer = null;
  function onFilterChange() {
    clearTimeout(filterTimer);
    filterTimer = setTimeout(() => {
      filter = { user: els.user.value.trim(), type: els.type.value };
      loadActivity(true);
    }, 250);
  }
  els.user.addEventListener('input', onFilterChange);
  els.type.addEventListener('change', onFilterChange);

  return {
    show() {
      visible = true;
      loadStats();
      loadActivity(true);
      clearInterval(ticker);
      ticker = setInterval(tick, 1000);
    },
    hide() {
      visible = false;
      clearInterval(ticker);
      ticker = null;
    },
    loadMore() {
      if (!loadingMore) loadActivity(false);
    },
    /** A live ACTIVITY entry: newest on top when it passes the filters; stats follow. */
    onActivity(entry) {
      rememberUser(entry.user);
      if (feedLoaded && !seqs.has(entry.seq) && activityMatches(entry, filter)) {
        seqs.add(entry.seq);
        entries.unshift(entry);
        const li = activityItem(entry);
        li.classList.add('flash');
        els.feed.prepend(li);
        renderFeedState();
      }
      if (isFileEvent(entry.event_type) || entry.event_type === 'user_created' || entry.event_type === 'user_deleted') scheduleStats();
    },
    /** Names seen online also feed the user filter's suggestions. */
    knowUsers(names) {
      names.forEach(rememberUser);
    },
    reset() {
      feedLoaded = false;
      entries = [];
      seqs = new Set();
      rows = [];
      els.feed.replaceChildren();
      els.checkouts.replaceChildren();
    },
  };
}
