// Small inline-SVG charts, built with createElementNS (no libraries, no markup strings).

const SVG = 'http://www.w3.org/2000/svg';
let chartIds = 0;

/** A round upper bound for an axis: 0 -> 1, 7 -> 8, 13 -> 15, 130 -> 150. */
export function niceMax(max) {
  if (!(max > 0)) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(max));
  for (const step of [1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10]) {
    if (step * magnitude >= max) return step * magnitude;
  }
  return 10 * magnitude;
}

/** The last `days` UTC days up to `today` (YYYY-MM-DD), oldest first, counts from `list` or 0. */
export function fillDays(list, today, days = 30) {
  const counts = new Map((list || []).map((d) => [d.day, d.count]));
  const end = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
  const out = [];
  for (let i = days - 1; i >= 0; i--) {
    const day = new Date(end - i * 86400000).toISOString().slice(0, 10);
    out.push({ day, count: counts.get(day) || 0 });
  }
  return out;
}

function svgEl(tag, attrs, text) {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, String(v));
  if (text != null) el.textContent = text;
  return el;
}

function frame(title, summary, testid, width, height) {
  const id = `chart-${++chartIds}`;
  const figure = document.createElement('figure');
  figure.className = 'chart';
  figure.dataset.testid = testid;
  const caption = document.createElement('figcaption');
  caption.id = `${id}-title`;
  caption.textContent = title;
  const svg = svgEl('svg', {
    viewBox: `0 0 ${width} ${height}`,
    role: 'img',
    'aria-labelledby': `${id}-svgtitle ${id}-desc`,
    preserveAspectRatio: 'xMidYMid meet',
  });
  svg.append(svgEl('title', { id: `${id}-svgtitle` }, title), svgEl('desc', { id: `${id}-desc` }, summary));
  const text = document.createElement('p');
  text.className = 'visually-hidden';
  text.textContent = summary;
  figure.append(caption, svg, text);
  return { figure, svg };
}

/** Vertical bars: check-ins per day. data = [{day, count}] oldest first. */
export function checkinsChart(data, title = 'Check-ins per day, last 30 days') {
  const width = 600;
  const height = 220;
  const pad = { top: 12, right: 8, bottom: 36, left: 34 };
  const total = data.reduce((s, d) => s + d.count, 0);
  const busiest = data.reduce((best, d) => (d.count > (best ? best.count : 0) ? d : best), null);
  const summary = total === 0
    ? `No check-ins in the last ${data.length} days.`
    : `${total} check-ins in the last ${data.length} days; busiest day ${busiest.day} with ${busiest.count}.`;
  const { figure, svg } = frame(title, summary, 'chart-checkins', width, height);
  const max = niceMax(Math.max(0, ...data.map((d) => d.count)));
  const plotW = width - pad.left - pad.right;
  const plotH = height - pad.top - pad.bottom;
  const slot = plotW / Math.max(1, data.length);
  const axis = svgEl('g', { class: 'chart-axis' });
  for (const v of [0, max / 2, max]) {
    const y = pad.top + plotH - (v / max) * plotH;
    axis.append(
      svgEl('line', { x1: pad.left, x2: width - pad.right, y1: y, y2: y, class: 'chart-grid' }),
      svgEl('text', { x: pad.left - 4, y: y + 4, 'text-anchor': 'end' }, String(Math.round(v * 10) / 10)),
    );
  }
  svg.appendChild(axis);
  const bars = svgEl('g', { class: 'chart-bars' });
  data.forEach((d, i) => {
    const h = (d.count / max) * plotH;
    const x = pad.left + i * slot + slot * 0.15;
    const rect = svgEl('rect', {
      x, y: pad.top + plotH - h, width: slot * 0.7, height: Math.max(h, d.count > 0 ? 1 : 0), class: 'chart-bar',
      'data-day': d.day, 'data-count': d.count,
    });
    rect.appendChild(svgEl('title', {}, `${d.day}: ${d.count}`));
    bars.appendChild(rect);
    if (i % 5 === 0 || i === data.length - 1) {
      bars.appendChild(svgEl('text', { x: x + slot * 0.35, y: height - pad.bottom + 16, 'text-anchor': 'middle', class: 'chart-label' },
        d.day.slice(5)));
    }
  });
  svg.appendChild(bars);
  return figure;
}

/** Horizontal bars: locks currently held per user. data = [{user, count}]. */
export function locksChart(data, title = 'Locks held per user') {
  const rows = [...data].sort((a, b) => b.count - a.count || (a.user < b.user ? -1 : 1));
  const rowH = 26;
  const width = 600;
  const labelW = 120;
  const height = Math.max(1, rows.length) * rowH + 16;
  const summary = rows.length === 0
    ? 'Nobody holds a lock.'
    : rows.map((r) => `${r.user}: ${r.count}`).join(', ');
  const { figure, svg } = frame(title, summary, 'chart-locks', width, height);
  if (rows.length === 0) {
    svg.appendChild(svgEl('text', { x: width / 2, y: height / 2 + 4, 'text-anchor': 'middle', class: 'chart-empty' }, 'No locks held'));
    return figure;
  }
  const max = niceMax(Math.max(...rows.map((r) => r.count)));
  const plotW = width - labelW - 40;
  rows.forEach((r, i) => {
    const y = 8 + i * rowH;
    const w = (r.count / max) * plotW;
    const g = svgEl('g', { class: 'chart-row' });
    g.append(
      svgEl('text', { x: labelW - 6, y: y + rowH / 2 + 4, 'text-anchor': 'end', class: 'chart-label' }, r.user),
      svgEl('rect', { x: labelW, y: y + 3, width: Math.max(w, 1), height: rowH - 8, class: 'chart-bar', 'data-user': r.user, 'data-count': r.count }),
      svgEl('text', { x: labelW + w + 6, y: y + rowH / 2 + 4, class: 'chart-value' }, String(r.count)),
    );
    g.firstChild.nextSibling.appendChild(svgEl('title', {}, `${r.user}: ${r.count}`));
    svg.appendChild(g);
  });
  return figure;
}
