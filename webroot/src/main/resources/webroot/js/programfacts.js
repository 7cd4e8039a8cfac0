// Program facts for the page: what changed in the tool list, summaries, and the list's fact
// filter (query and validation). Pure: no DOM access, so Node tests it.

/** Tools of two revisions by number: added (only in `to`), removed (only in `from`), changed comment. */
export function toolDiff(fromTools, toTools) {
  const before = byNumber(fromTools);
  const after = byNumber(toTools);
  const added = [];
  const changed = [];
  for (const tool of after.values()) {
    const old = before.get(tool.number);
    if (!old) added.push(tool);
    else if ((old.comment || null) !== (tool.comment || null)) {
      changed.push({ number: tool.number, from: old.comment || null, to: tool.comment || null });
    }
  }
  const removed = [...before.values()].filter((t) => !after.has(t.number));
  return { added, removed, changed, empty: !added.length && !removed.length && !changed.length };
}

function byNumber(tools) {
  const map = new Map();
  for (const tool of tools || []) if (!map.has(tool.number)) map.set(tool.number, tool);
  return map;
}

/** "T12 10MM ENDMILL", or "T12" without a comment. */
export function toolLabel(tool) {
  return tool.comment ? `T${tool.number} ${tool.comment}` : `T${tool.number}`;
}

function mm(n) {
  return `${Number(n.toFixed(Math.abs(n) >= 100 ? 0 : 1))}`;
}

/** "180 × 70 × 17 mm" (X × Y × Z), or "no moves". */
export function formatExtents(extents) {
  if (!extents || !extents.min || !extents.max) return 'no moves';
  const { min, max } = extents;
  return `${mm(max.x - min.x)} \u00d7 ${mm(max.y - min.y)} \u00d7 ${mm(max.z - min.z)} mm`;
}

/** 42.3 -> "42 s", 412 -> "6 min 52 s", 7384 -> "2 h 3 min". */
export function formatRunTime(seconds) {
  const s = Math.max(0, Math.round(Number(seconds) || 0));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`;
}

/** [term, value] pairs summing up a revision's facts. */
export function factLines(facts) {
  const lines = [
    ['Program', facts.programNumber == null ? 'no number' : `O${facts.programNumber}`],
    ['Size', formatExtents(facts.extents)],
    ['Feed moves', `${mm(facts.feedDistance || 0)} mm`],
    ['Rapid moves', `${mm(facts.rapidDistance || 0)} mm`],
    ['Estimated time', formatRunTime(facts.estimatedSeconds)],
  ];
  if (facts.subprograms && facts.subprograms.length) {
    lines.push(['Calls', facts.subprograms.map((c) => `${c.call} P${c.program}`).join(', ')]);
  }
  if (facts.warningCount) lines.push(['Warnings', `${facts.warningCount} (first on line ${facts.warnings[0].line})`]);
  return lines;
}

/** The fields of the list's fact filter and their query parameters (as GET /api/files names them). */
export const FACT_FIELDS = [
  { key: 'tool', label: 'Tool', kind: 'tool' },
  { key: 'minLengthX', label: 'X at least', kind: 'length' },
  { key: 'maxLengthX', label: 'X at most', kind: 'length' },
  { key: 'minLengthY', label: 'Y at least', kind: 'length' },
  { key: 'maxLengthY', label: 'Y at most', kind: 'length' },
  { key: 'minLengthZ', label: 'Z at least', kind: 'length' },
  { key: 'maxLengthZ', label: 'Z at most', kind: 'length' },
];

/**
 * Text typed into the filter fields -> { query, error, field }: the query for GET /api/files
 * (null when every field is empty), or the first error with the field it belongs to. The server
 * checks again; this only saves a round trip and says what is wrong where.
 */
export function factQuery(values) {
  const query = {};
  for (const field of FACT_FIELDS) {
    let text = String(values[field.key] ?? '').trim();
    if (field.kind === 'tool') text = text.replace(/^t\s*/i, '');
    if (!text) continue;
    if (field.kind === 'tool') {
      if (!/^\d{1,9}$/.test(text)) return { query: null, error: 'A tool is a whole number, e.g. 12 or T12.', field: field.key };
      query.tool = Number(text);
    } else {
      const n = Number(text.replace(',', '.'));
      if (!Number.isFinite(n) || n < 0 || n > 100000) {
        return { query: null, error: `${field.label}: a length in mm from 0 to 100000.`, field: field.key };
      }
      query[field.key] = n;
    }
  }
  for (const axis of ['X', 'Y', 'Z']) {
    const min = query[`minLength${axis}`];
    const max = query[`maxLength${axis}`];
    if (min !== undefined && max !== undefined && min > max) {
      return { query: null, error: `${axis}: at least ${min} is more than at most ${max}.`, field: `minLength${axis}` };
    }
  }
  return { query: Object.keys(query).length ? query : null, error: null, field: null };
}

/** "T12, X ≥ 300 mm" for the filter's summary line. */
export function describeFactQuery(query) {
  if (!query) return '';
  const parts = [];
  if (query.tool !== undefined) parts.push(`T${query.tool}`);
  for (const axis of ['X', 'Y', 'Z']) {
    const min = query[`minLength${axis}`];
    const max = query[`maxLength${axis}`];
    if (min !== undefined && max !== undefined) parts.push(`${min} \u2264 ${axis} \u2264 ${max} mm`);
    else if (min !== undefined) parts.push(`${axis} \u2265 ${min} mm`);
    else if (max !== undefined) parts.push(`${axis} \u2264 ${max} mm`);
  }
  return parts.join(', ');
}
