// NC programs as text: binary content told apart the way the server's diff does, lines split
// across pages of bytes, and each line cut into tokens for highlighting. Pure: no DOM access.

/** Like the server (storage TextDiff): a NUL in the first 8 KiB, or bytes that are not UTF-8, make a file binary. */
export const SNIFF_BYTES = 8192;

/**
 * Whether `bytes` (a Uint8Array) is binary. `complete` says the bytes are the whole file; when they
 * are only its start, a UTF-8 sequence cut at the end does not count against it.
 */
export function isBinaryContent(bytes, { complete = true } = {}) {
  const sniff = Math.min(bytes.length, SNIFF_BYTES);
  for (let i = 0; i < sniff; i++) if (bytes[i] === 0) return true;
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: !complete });
    return false;
  } catch (e) {
    return true;
  }
}

/**
 * Reads a text in pages of bytes: push(bytes, last) returns the complete lines of what has arrived;
 * a line cut at the end of a page waits for the next one. Throws a TypeError at bytes that are not UTF-8.
 */
export function createLineReader() {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  let carry = '';
  return {
    push(bytes, last) {
      const text = carry + decoder.decode(bytes, { stream: !last });
      const lines = text.split('\n');
      carry = last ? '' : lines.pop();
      if (last && lines.length && lines[lines.length - 1] === '') lines.pop();
      return lines.map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line));
    },
  };
}

// One token: a comment in parentheses or after a semicolon, an address word (letter + number),
// a program start/end mark, or anything else (spaces, operators, macro text).
const TOKEN = /(\([^)]*\)?)|(;.*$)|([A-Za-z])\s*([-+]?(?:\d+\.?\d*|\.\d+))|(%)|([^(;A-Za-z%]+|[A-Za-z])/gy;

/** The kind of an address word: its letter, and for M the tool-change codes. */
function addressKind(letter, number) {
  switch (letter.toUpperCase()) {
    case 'G': return 'gcode';
    case 'M': return Number(number) === 6 ? 'toolchange' : 'mcode';
    case 'T': return 'tool';
    case 'N': return 'lineno';
    case 'O': return 'program';
    case 'F': return 'feed';
    case 'S': return 'speed';
    case 'X': case 'Y': case 'Z': case 'A': case 'B': case 'C': case 'U': case 'V': case 'W': return 'coord';
    case 'I': case 'J': case 'K': case 'R': return 'arc';
    default: return 'address';
  }
}

/**
 * Tokens of one line of G-code: [{ kind, text }] whose texts put together give the line back.
 * Kinds: comment, gcode, mcode, toolchange (M6), tool (T), lineno (N), program (O), feed (F),
 * speed (S), coord (XYZ ABC UVW), arc (IJK R), address (other letters), mark (%), text.
 */
export function tokenizeLine(line) {
  const tokens = [];
  TOKEN.lastIndex = 0;
  let m;
  while (TOKEN.lastIndex < line.length && (m = TOKEN.exec(line)) !== null) {
    if (m[1] !== undefined) tokens.push({ kind: 'comment', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'comment', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: addressKind(m[3], m[4]), text: m[0] });
    else if (m[5] !== undefined) tokens.push({ kind: 'mark', text: m[5] });
    else tokens.push({ kind: 'text', text: m[6] });
  }
  // Anything the pattern could not place stays as text: nothing of the line is lost.
  if (TOKEN.lastIndex < line.length) tokens.push({ kind: 'text', text: line.slice(TOKEN.lastIndex) });
  return tokens;
}

/** True when the line changes tools (an M6, whatever T it names). */
export function isToolChange(tokens) {
  return tokens.some((t) => t.kind === 'toolchange');
}
