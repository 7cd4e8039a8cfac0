// Machines as the page shows them: transports from the form and in words, a transfer's state (pure).

/** The form's fields as the transport of its kind (empty fields left out; numbers as numbers). */
export function transportFrom(kind, fields) {
  const names = {
    folder: ['path', 'inboxPath'],
    ftp: ['host', 'port', 'user', 'password', 'directory', 'inboxDirectory'],
    tcp: ['host', 'port', 'bytesPerSecond'],
  }[kind] || [];
  const transport = { kind };
  for (const name of names) {
    const value = String(fields[name] ?? '').trim();
    if (value === '') continue;
    transport[name] = name === 'port' || name === 'bytesPerSecond' ? Number(value) : value;
  }
  return transport;
}

/** Where a transport goes, in a few words (never a password). */
export function transportText(t) {
  if (!t) return '';
  if (t.kind === 'folder') return `folder ${t.path}`;
  if (t.kind === 'ftp') return `FTP ${t.user ? `${t.user}@` : ''}${t.host}:${t.port}${t.directory ? `/${t.directory}` : ''}`;
  if (t.kind === 'tcp') return `TCP ${t.host}:${t.port}, ${t.bytesPerSecond} bytes/s`;
  return t.kind;
}

/** "Sent, verified" / "Failed: reason" / "Sending (attempt 2)" for a transfer of the log. */
export function transferStatusText(t) {
  if (t.status === 'succeeded') return t.verified ? 'Sent, read back and verified' : 'Sent';
  if (t.status === 'failed') return `Failed: ${t.reason || 'unknown reason'}`;
  return t.attempts > 1 ? `Sending (attempt ${t.attempts})` : 'Sending';
}

/**
 * Whether a file may go to a machine and why not: only its released revision goes
 * (docs/lifecycle.md). `file` is the file as the list has it; an unknown name is for the server
 * to answer. -> { ok, text }
 */
export function sendability(name, file) {
  if (!file) return { ok: true, text: '' };
  if (!file.releasedRevision) {
    const state = { review: 'in review', obsolete: 'obsolete' }[file.state] || 'a draft';
    return { ok: false, text: `${name} is not released (it is ${state}): only a released revision goes `
      + 'to a machine. Move it to review; an approver then releases it with their password.' };
  }
  if (file.revision !== file.releasedRevision) {
    return { ok: true, text: `Sends rev ${file.releasedRevision}, the released revision (rev ${file.revision} is `
      + `${file.state === 'obsolete' ? 'obsolete' : 'not released yet'}).` };
  }
  return { ok: true, text: `Sends rev ${file.releasedRevision}, the released revision.` };
}
