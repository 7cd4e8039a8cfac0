// The toolpath panel: a revision's backplot, or two revisions drawn over each other, with pan and
// zoom (pointer, wheel, keys, buttons), a view switch, the revision's facts and tools, and how the
// tool list changed. The SVG comes from the server as text, is parsed and checked here (only the
// drawing elements it is made of are kept) and inserted as nodes, never as markup.
import { h } from './dom.js';
import { api } from './api.js';
import { factLines, toolDiff, toolLabel } from './programfacts.js';
import {
  formatViewBox, panByPixels, panByShare, parseViewBox, toUser, wheelFactor, zoomAt, zoomCentre, zoomLevel,
} from './viewbox.js';

const VIEWS = [['xy', 'Top (XY)'], ['xz', 'Front (XZ)'], ['yz', 'Side (YZ)']];
const SVG_NS = 'http://www.w3.org/2000/svg';
/** What the server's drawings are made of; anything else is dropped. */
const DRAWING_ELEMENTS = new Set(['svg', 'title', 'g', 'path', 'circle', 'line', 'text']);
const ZOOM_STEP = 1.5;
const PAN_STEP = 0.1;
let panels = 0;

/**
 * Parses a drawing's text into an <svg> element of this document, keeping only drawing elements
 * and no event handler or link attribute; null when the text is no SVG.
 */
export function importDrawing(text) {
  const doc = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = doc.documentElement;
  if (!root || root.namespaceURI !== SVG_NS || root.localName !== 'svg' || doc.getElementsByTagName('parsererror').length) {
    return null;
  }
  for (const el of [...root.querySelectorAll('*')]) {
    if (el.namespaceURI !== SVG_NS || !DRAWING_ELEMENTS.has(el.localName)) el.remove();
  }
  for (const el of [root, ...root.querySelectorAll('*')]) {
    for (const attr of [...el.attributes]) {
      const name = attr.localName.toLowerCase();
      if (name.startsWith('on') || name === 'href' || name === 'style') el.removeAttributeNode(attr);
    }
  }
  return document.importNode(root, true);
}

/**
 * The panel for `filename` and its `revisions` (newest first): a closed section that loads when
 * opened. Returns { element, show(rev, compare) }: show opens it on a revision, or on two.
 */
export function backplotPanel(filename, revisions) {
  const id = ++panels;
  const state = { rev: revisions.length ? revisions[0].revision : '', compare: '', view: 'xy' };
  let loads = 0;
  let vb = null;
  let home = null;
  let svg = null;

  const revSelect = h('select', { id: `bp-rev-${id}`, dataset: { testid: 'backplot-rev' } },
    revisions.map((r) => h('option', { value: r.revision }, r.revision)));
  const compareSelect = h('select', { id: `bp-compare-${id}`, dataset: { testid: 'backplot-compare' } },
    h('option', { value: '' }, 'nothing'), revisions.map((r) => h('option', { value: r.revision }, r.revision)));
  const viewRadios = VIEWS.map(([value, label]) => h('label', { class: 'seg' },
    h('input', { type: 'radio', name: `bp-view-${id}`, value, checked: value === state.view, dataset: { testid: `backplot-view-${value}` } }),
    ` ${label}`));
  const zoomOut = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Zoom out', dataset: { testid: 'backplot-zoom-out' } }, '\u2212');
  const zoomIn = h('button', { type: 'button', class: 'btn btn-small', 'aria-label': 'Zoom in', dataset: { testid: 'backplot-zoom-in' } }, '+');
  const fit = h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'backplot-fit' } }, 'Fit');
  const drawing = h('div', {
    class: 'backplot-drawing', tabindex: 0, role: 'img', dataset: { testid: 'backplot-drawing' },
    'aria-describedby': `bp-help-${id}`,
  });
  const help = h('p', { id: `bp-help-${id}`, class: 'muted small' },
    'Drag to move, wheel or + and \u2212 to zoom, arrow keys to move, 0 to fit.');
  const message = h('p', { class: 'muted', role: 'status', dataset: { testid: 'backplot-message' } });
  const side = h('div', { class: 'backplot-side' });
  const body = h('div', { class: 'backplot-body', hidden: true }, h('div', { class: 'backplot-stage' }, drawing, help), side);
  const element = h('details', { class: 'backplot', dataset: { testid: 'backplot' } },
    h('summary', null, 'Toolpath and tools'),
    h('div', { class: 'backplot-controls' },
      h('div', { class: 'field' }, h('label', { for: revSelect.id }, 'Revision'), revSelect),
      h('div', { class: 'field' }, h('label', { for: compareSelect.id }, 'Compare with'), compareSelect),
      h('fieldset', { class: 'inline segmented' }, h('legend', null, 'View'), viewRadios),
      h('div', { class: 'zoom-buttons', role: 'group', 'aria-label': 'Zoom' }, zoomOut, zoomIn, fit)),
    message, body);

  function setViewBox(next) {
    if (!svg || !next) return;
    vb = next;
    svg.setAttribute('viewBox', formatViewBox(vb));
    drawing.dataset.zoom = zoomLevel(vb, home).toFixed(3);
  }

  function describe() {
    const viewName = VIEWS.find(([v]) => v === state.view)[1];
    return state.compare
      ? `Toolpaths of revisions ${state.compare} and ${state.rev} over each other, ${viewName}`
      : `Toolpath of revision ${state.rev}, ${viewName}`;
  }

  async function load() {
    const token = ++loads;
    const { rev, compare, view } = state;
    message.textContent = 'Loading the toolpath\u2026';
    try {
      const [text, facts, older] = await Promise.all([
        api.toolpath(filename, compare ? { from: compare, to: rev, view } : { rev, view }),
        api.program(filename, rev),
        compare ? api.program(filename, compare) : null,
      ]);
      if (token !== loads) return;
      const drawn = importDrawing(text);
      if (!drawn) throw new Error('the server sent no drawing');
      show(drawn, facts, older);
      message.textContent = '';
    } catch (err) {
      if (token !== loads) return;
      body.hidden = true;
      message.textContent = err.status === 415 ? 'Binary file, no toolpath.'
        : err.status === 413 ? 'This program is too large to draw.'
          : `Cannot show the toolpath: ${err.message}`;
    }
  }

  function show(drawn, facts, older) {
    drawn.removeAttribute('width');
    drawn.removeAttribute('height');
    svg = drawn;
    home = parseViewBox(drawn.getAttribute('viewBox'));
    drawing.replaceChildren(drawn);
    drawing.setAttribute('aria-label', describe());
    setViewBox(home);
    side.replaceChildren(...sideContent(facts, older));
    body.hidden = false;
  }

  function sideContent(facts, older) {
    const out = [h('h4', null, `Revision ${state.rev}`),
      h('dl', { class: 'facts', dataset: { testid: 'backplot-facts' } },
        factLines(facts).map(([term, value]) => [h('dt', null, term), h('dd', null, value)])),
      h('h4', null, `Tools of ${state.rev}`),
      facts.tools.length
        ? h('ul', { class: 'tool-list', dataset: { testid: 'backplot-tools' } }, facts.tools.map((tool) => toolItem(tool)))
        : h('p', { class: 'muted', dataset: { testid: 'backplot-tools' } }, 'No tool change.')];
    if (older) out.push(...diffContent(toolDiff(older.tools, facts.tools)));
    return out;
  }

  function toolItem(tool) {
    // the tool's colour in a single drawing (an overlay colours by revision instead)
    const group = !state.compare && svg ? svg.querySelector(`g.tool[data-tool="${Number(tool.number)}"]`) : null;
    const colour = group ? group.getAttribute('stroke') : null;
    const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
    if (colour && /^#[0-9a-f]{6}$/i.test(colour)) swatch.style.background = colour;
    return h('li', { dataset: { testid: 'backplot-tool', tool: String(tool.number) } }, swatch, toolLabel(tool),
      h('span', { class: 'muted small' }, ` line ${tool.line}`));
  }

  function diffContent(diff) {
    const title = h('h4', null, `Tool changes from ${state.compare} to ${state.rev}`);
    if (diff.empty) return [title, h('p', { class: 'muted', dataset: { testid: 'backplot-tool-diff' } }, 'The same tools.')];
    const items = [
      ...diff.added.map((t) => h('li', { class: 'tool-added', dataset: { kind: 'added' } }, `Added ${toolLabel(t)}`)),
      ...diff.removed.map((t) => h('li', { class: 'tool-removed', dataset: { kind: 'removed' } }, `Removed ${toolLabel(t)}`)),
      ...diff.changed.map((c) => h('li', { class: 'tool-changed', dataset: { kind: 'changed' } },
        `T${c.number} comment: ${c.from || 'none'} \u2192 ${c.to || 'none'}`)),
    ];
    return [title, h('ul', { class: 'tool-diff', dataset: { testid: 'backplot-tool-diff' } }, items)];
  }

  function size() {
    const r = drawing.getBoundingClientRect();
    return { r, width: r.width, height: r.height };
  }

  // ---- controls ----
  element.addEventListener('toggle', () => {
    if (element.open && !svg && loads === 0) load();
  });
  revSelect.addEventListener('change', () => {
    state.rev = revSelect.value;
    load();
  });
  compareSelect.addEventListener('change', () => {
    state.compare = compareSelect.value === state.rev ? '' : compareSelect.value;
    compareSelect.value = state.compare;
    load();
  });
  for (const label of viewRadios) {
    label.querySelector('input').addEventListener('change', (e) => {
      state.view = e.target.value;
      load();
    });
  }
  zoomIn.addEventListener('click', () => setViewBox(vb && zoomCentre(vb, ZOOM_STEP, home)));
  zoomOut.addEventListener('click', () => setViewBox(vb && zoomCentre(vb, 1 / ZOOM_STEP, home)));
  fit.addEventListener('click', () => setViewBox(home));

  // ---- pointer, wheel and keys on the drawing ----
  let drag = null;
  drawing.addEventListener('pointerdown', (e) => {
    if (!svg || e.button !== 0) return;
    drag = { id: e.pointerId, x: e.clientX, y: e.clientY };
    drawing.setPointerCapture(e.pointerId);
    drawing.classList.add('dragging');
  });
  drawing.addEventListener('pointermove', (e) => {
    if (!drag || e.pointerId !== drag.id) return;
    const { width, height } = size();
    setViewBox(panByPixels(vb, e.clientX - drag.x, e.clientY - drag.y, width, height));
    drag.x = e.clientX;
    drag.y = e.clientY;
  });
  const endDrag = (e) => {
    if (drag && e.pointerId === drag.id) {
      drag = null;
      drawing.classList.remove('dragging');
    }
  };
  drawing.addEventListener('pointerup', endDrag);
  drawing.addEventListener('pointercancel', endDrag);
  drawing.addEventListener('wheel', (e) => {
    if (!svg) return;
    e.preventDefault();
    const { r, width, height } = size();
    const at = toUser(vb, width, height, e.clientX - r.left, e.clientY - r.top);
    setViewBox(zoomAt(vb, wheelFactor(e.deltaY, e.deltaMode), at.x, at.y, home));
  }, { passive: false });
  drawing.addEventListener('keydown', (e) => {
    if (!svg || e.ctrlKey || e.metaKey || e.altKey) return;
    const moves = { ArrowLeft: [-PAN_STEP, 0], ArrowRight: [PAN_STEP, 0], ArrowUp: [0, -PAN_STEP], ArrowDown: [0, PAN_STEP] };
    if (moves[e.key]) setViewBox(panByShare(vb, ...moves[e.key]));
    else if (e.key === '+' || e.key === '=') setViewBox(zoomCentre(vb, ZOOM_STEP, home));
    else if (e.key === '-' || e.key === '_') setViewBox(zoomCentre(vb, 1 / ZOOM_STEP, home));
    else if (e.key === '0') setViewBox(home);
    else return;
    e.preventDefault();
  });

  return {
    element,
    /** Opens the panel on revision `rev`, with `compare` drawn under it ('' for none). */
    show(rev, compare = '') {
      state.rev = rev;
      state.compare = compare === rev ? '' : compare;
      revSelect.value = state.rev;
      compareSelect.value = state.compare;
      element.open = true;
      load();
    },
  };
}
