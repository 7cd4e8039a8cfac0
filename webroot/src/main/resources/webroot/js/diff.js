// Unified diff -> numbered lines (pure), and the table that shows them.

const HUNK = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@(.*)$/;

/**
 * Parses unified diff text into rows {kind, oldNo, newNo, text}; kind is "hunk", "add", "del",
 * "ctx" or "meta" (file headers, "\ No newline at end of file"). Line numbers are null where a
 * side has no line.
 */
export function parseUnifiedDiff(text) {
  const rows = [];
  if (!text) return rows;
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  let oldNo = 0;
  let newNo = 0;
  let oldLeft = 0;
  let newLeft = 0;
  for (const raw of lines) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const inHunk = oldLeft > 0 || newLeft > 0;
    if (!inHunk) {
      const m = HUNK.exec(line);
      if (m) {
        oldNo = Number(m[1]);
        newNo = Number(m[3]);
        oldLeft = m[2] === undefined ? 1 : Number(m[2]);
        newLeft = m[4] === undefined ? 1 : Number(m[4]);
        // A zero-length side starts after the given line.
        if (oldLeft === 0) oldNo++;
        if (newLeft === 0) newNo++;
        rows.push({ kind: 'hunk', oldNo: null, newNo: null, text: line });
      } else {
        rows.push({ kind: 'meta', oldNo: null, newNo: null, text: line });
      }
      continue;
    }
    const mark = line.charAt(0);
    const body = line.slice(1);
    if (mark === '+') {
      rows.push({ kind: 'add', oldNo: null, newNo: newNo++, text: body });
      newLeft--;
    } else if (mark === '-') {
      rows.push({ kind: 'del', oldNo: oldNo++, newNo: null, text: body });
      oldLeft--;
    } else if (mark === '\\') {
      rows.push({ kind: 'meta', oldNo: null, newNo: null, text: line });
    } else {
      // " " context; an empty line is context whose leading space was trimmed.
      rows.push({ kind: 'ctx', oldNo: oldNo++, newNo: newNo++, text: body });
      oldLeft--;
      newLeft--;
    }
  }
  return rows;
}

const SIGN = { add: '+', del: '-', ctx: ' ', hunk: '', meta: '' };

/** A scrollable <table> of diff rows: old number, new number, sign, text. */
export function renderDiff(rows) {
  const scroller = document.createElement('div');
  scroller.className = 'diff-scroll';
  const table = document.createElement('table');
  table.className = 'diff';
  table.dataset.testid = 'diff-table';
  const caption = document.createElement('caption');
  caption.className = 'visually-hidden';
  caption.textContent = 'Differences: removed lines are marked with a minus, added lines with a plus';
  table.appendChild(caption);
  const tbody = document.createElement('tbody');
  for (const row of rows) {
    const tr = document.createElement('tr');
    tr.className = `diff-${row.kind}`;
    tr.dataset.testid = 'diff-line';
    tr.dataset.kind = row.kind;
    if (row.kind === 'hunk' || row.kind === 'meta') {
      const td = document.createElement('td');
      td.colSpan = 4;
      td.className = 'diff-text';
      td.textContent = row.text;
      tr.appendChild(td);
    } else {
      tr.append(
        cell('diff-no diff-old', row.oldNo == null ? '' : String(row.oldNo)),
        cell('diff-no diff-new', row.newNo == null ? '' : String(row.newNo)),
        cell('diff-sign', SIGN[row.kind]),
        cell('diff-text', row.text),
      );
    }
    tbody.appendChild(tr);
  }
  table.appendChild(tbody);
  scroller.appendChild(table);
  return scroller;
}

function cell(className, text) {
  const td = document.createElement('td');
  td.className = className;
  td.textContent = text;
  return td;
}
