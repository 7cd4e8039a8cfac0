// The program viewer: one revision of an NC program in the page, numbered and highlighted, read in
// pages of bytes (HTTP Range) so a large program shows its start at once. Built from elements and
// text nodes only.
import { h } from './dom.js';
import { contentUrl } from './api.js';
import { openModal } from './modals.js';
import { createLineReader, isBinaryContent, isToolChange, SNIFF_BYTES, tokenizeLine } from './gcode.js';
import { formatSize } from './format.js';

/** Bytes per page: about 10,000 lines of G-code. */
export const PAGE_BYTES = 256 * 1024;

/** The bytes first..last of a revision: { bytes, total } (total from Content-Range, or the whole file). */
async function fetchRange(filename, rev, first, last) {
  const res = await fetch(contentUrl(filename, rev), {
    headers: { Range: `bytes=${first}-${last}` }, credentials: 'same-origin',
  });
  if (res.status === 416) return { bytes: new Uint8Array(0), total: first };
  if (!res.ok) {
    let message = `HTTP ${res.status}`;
    try {
      const body = await res.json();
      if (body && body.error && body.error.message) message = body.error.message;
    } catch (e) {
      // Not JSON: the status says enough.
    }
    const error = new Error(message);
    error.status = res.status;
    throw error;
  }
  const bytes = new Uint8Array(await res.arrayBuffer());
  const range = /\/(\d+)$/.exec(res.headers.get('Content-Range') || '');
  // A server that ignored the range sent everything (200).
  return { bytes: res.status === 206 ? bytes : bytes.subarray(first), total: range ? Number(range[1]) : bytes.length };
}

/** Whether a revision's content is binary, from its first bytes (as the server's diff decides). */
export async function sniffBinary(filename, rev) {
  const { bytes, total } = await fetchRange(filename, rev, 0, SNIFF_BYTES - 1);
  return isBinaryContent(bytes, { complete: bytes.length >= total });
}

/** One numbered line: its tokens as spans with a class per kind, a tool change marked on the line. */
export function renderLine(number, text) {
  const tokens = tokenizeLine(text);
  const code = h('code', { class: 'code-text' });
  for (const token of tokens) {
    code.appendChild(token.kind === 'text' ? document.createTextNode(token.text)
      : h('span', { class: `tok tok-${token.kind}` }, token.text));
  }
  return h('div', { class: isToolChange(tokens) ? 'code-line code-toolchange' : 'code-line', dataset: { testid: 'viewer-line' } },
    h('span', { class: 'code-no', 'aria-hidden': 'true' }, String(number)), code);
}

/** Opens the viewer on revision `rev` of `filename`. */
export function openViewer(filename, rev, { toast }) {
  const status = h('p', { class: 'muted small', dataset: { testid: 'viewer-status' }, 'aria-live': 'polite' }, 'Loading\u2026');
  const lines = h('div', { class: 'code', dataset: { testid: 'viewer-code' }, role: 'region', 'aria-label': `Text of ${filename}`, tabindex: '0' });
  const more = h('button', { type: 'button', class: 'btn', dataset: { testid: 'viewer-more' }, hidden: true }, 'Show more');
  const legend = h('p', { class: 'code-legend small' },
    h('span', { class: 'tok tok-gcode' }, 'G'), ' motion ',
    h('span', { class: 'tok tok-coord' }, 'X Y Z'), ' coordinates ',
    h('span', { class: 'tok tok-toolchange' }, 'M6'), h('span', { class: 'tok tok-tool' }, ' T'), ' tool change ',
    h('span', { class: 'tok tok-comment' }, '( )'), ' comments');
  const modal = openModal({
    title: `${filename} \u00b7 rev ${rev}`, testid: 'viewer-modal', wide: true,
    content: [legend, status, lines, h('div', { class: 'diff-controls' }, more)],
  });
  const reader = createLineReader();
  let offset = 0;
  let total = null;
  let count = 0;

  async function nextPage() {
    more.disabled = true;
    try {
      const page = await fetchRange(filename, rev, offset, offset + PAGE_BYTES - 1);
      if (!modal.dialog.isConnected) return;
      total = page.total;
      if (offset === 0 && isBinaryContent(page.bytes, { complete: page.bytes.length >= total })) {
        status.textContent = 'This is a binary file: there is no text to show. Download it to open it in its program.';
        status.dataset.binary = 'true';
        return;
      }
      offset += page.bytes.length;
      const done = offset >= total;
      let text;
      try {
        text = reader.push(page.bytes, done);
      } catch (e) {
        status.textContent = `The text stops being readable near byte ${offset}: the rest is not shown.`;
        return;
      }
      const fragment = document.createDocumentFragment();
      for (const line of text) fragment.appendChild(renderLine(++count, line));
      lines.appendChild(fragment);
      status.textContent = total === 0 ? 'The file is empty.'
        : done ? `${count} lines, ${formatSize(total)}.`
          : `Lines 1\u2013${count} shown (${formatSize(offset)} of ${formatSize(total)}).`;
      more.hidden = done;
      more.textContent = `Show the next ${formatSize(Math.min(PAGE_BYTES, total - offset))}`;
    } catch (err) {
      status.textContent = `Cannot show the program: ${err.message}`;
      toast(err.message, 'error');
    } finally {
      more.disabled = false;
    }
  }
  more.addEventListener('click', nextPage);
  nextPage();
  return modal;
}
