// Modal dialogs: focus trapped inside, Escape closes, focus returns to where it came from.
import { h, timeEl } from './dom.js';
import { api, contentUrl } from './api.js';
import { formatSize, formatTime } from './format.js';
import { parseUnifiedDiff, renderDiff } from './diff.js';
import { baseName, checkinParams, downloadName, isBinaryName, nameDiffers, stateLabel, transitionsFor } from './filemodel.js';
import { openViewer, sniffBinary } from './viewer.js';
import { backplotPanel } from './backplot.js';

const FOCUSABLE = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), '
  + 'textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
let modalIds = 0;

/**
 * openModal({ title, testid, content, footer, beforeClose, onClose, wide }) -> { dialog, close, requestClose }.
 * beforeClose returning false keeps the dialog open (e.g. while the caller decides what to do).
 */
export function openModal({ title, testid, content, footer, beforeClose, onClose, wide }) {
  const returnFocus = document.activeElement;
  const titleId = `modal-title-${++modalIds}`;
  const closeButton = h('button', { type: 'button', class: 'icon-btn modal-x', 'aria-label': 'Close dialog', 'data-tip': 'Close' }, '\u00d7');
  const dialog = h('dialog', { class: wide ? 'modal modal-wide' : 'modal', 'aria-labelledby': titleId, dataset: { testid } },
    h('div', { class: 'modal-head' }, h('h2', { id: titleId }, title), closeButton),
    h('div', { class: 'modal-body' }, content),
    footer ? h('div', { class: 'modal-foot' }, footer) : null);
  let closed = false;

  function close() {
    if (closed) return;
    closed = true;
    if (dialog.open) dialog.close();
    dialog.remove();
    if (returnFocus && returnFocus.isConnected && typeof returnFocus.focus === 'function') returnFocus.focus();
    if (onClose) onClose();
  }
  function requestClose() {
    if (beforeClose && beforeClose() === false) return;
    close();
  }

  closeButton.addEventListener('click', requestClose);
  // The browser may close a dialog by itself (a repeated Escape); clean up the same way.
  dialog.addEventListener('close', () => {
    if (closed) return;
    if (beforeClose) beforeClose();
    close();
  });
  dialog.addEventListener('cancel', (e) => {
    e.preventDefault();
    requestClose();
  });
  dialog.addEventListener('keydown', (e) => {
    if (e.key !== 'Tab') return;
    const items = [...dialog.querySelectorAll(FOCUSABLE)].filter((el) => el.offsetParent !== null || el === document.activeElement);
    if (items.length === 0) return;
    const first = items[0];
    const last = items[items.length - 1];
    if (e.shiftKey && document.activeElement === first) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && document.activeElement === last) {
      e.preventDefault();
      first.focus();
    }
  });

  document.body.appendChild(dialog);
  dialog.showModal();
  const firstField = dialog.querySelector('.modal-body input:not([type=hidden]), .modal-body textarea, .modal-body select')
    || dialog.querySelector('.modal-foot button') || closeButton;
  firstField.focus();
  return { dialog, close, requestClose };
}

function button(label, props = {}) {
  return h('button', { type: 'button', class: 'btn', ...props }, label);
}

/** Resolves true on confirm, false on cancel / Escape. */
export function confirmModal({ title, text, confirmLabel = 'OK', danger = false, testid = 'confirm-modal' }) {
  return new Promise((resolve) => {
    let result = false;
    const ok = button(confirmLabel, { class: danger ? 'btn btn-danger' : 'btn btn-primary', dataset: { testid: 'modal-confirm' } });
    const cancel = button('Cancel', { dataset: { testid: 'modal-cancel' } });
    const modal = openModal({ title, testid, content: h('p', null, text), footer: [cancel, ok], onClose: () => resolve(result) });
    ok.addEventListener('click', () => {
      result = true;
      modal.close();
    });
    cancel.addEventListener('click', modal.close);
    ok.focus();
  });
}

/**
 * A small form with one field; resolves the entered text, or null when cancelled.
 * options: label, required, multiline, type ("text" | "password"), confirmLabel, intro, danger,
 * validate (text -> null or what is wrong: shown as the user types, and the form is not sent).
 */
export function promptModal({ title, label, required = false, multiline = false, type = 'text', confirmLabel = 'OK',
  intro, danger = false, testid = 'prompt-modal', maxLength = 1000, validate = null }) {
  return new Promise((resolve) => {
    let result = null;
    const id = `prompt-${++modalIds}`;
    const field = multiline
      ? h('textarea', { id, name: 'value', rows: 3, required, maxlength: maxLength, dataset: { testid: 'prompt-input' } })
      : h('input', { id, name: 'value', type, required, maxlength: maxLength, autocomplete: type === 'password' ? 'new-password' : 'off', dataset: { testid: 'prompt-input' } });
    const ok = h('button', { type: 'submit', class: danger ? 'btn btn-danger' : 'btn btn-primary', dataset: { testid: 'modal-confirm' } }, confirmLabel);
    const cancel = button('Cancel', { dataset: { testid: 'modal-cancel' } });
    const form = h('form', { class: 'form', novalidate: true },
      intro ? h('p', null, intro) : null,
      h('label', { for: id }, required ? label : `${label} (optional)`),
      field,
      h('p', { class: 'form-error', role: 'alert' }),
      h('div', { class: 'modal-foot' }, cancel, ok));
    const modal = openModal({ title, testid, content: form, onClose: () => resolve(result) });
    cancel.addEventListener('click', modal.close);
    const error = form.querySelector('.form-error');
    error.id = `${id}-error`;
    field.setAttribute('aria-describedby', error.id);
    if (validate) {
      error.dataset.testid = 'prompt-problem';
      field.addEventListener('input', () => {
        const problem = validate(type === 'password' ? field.value : field.value.trim());
        error.textContent = problem || '';
        field.setAttribute('aria-invalid', String(Boolean(problem)));
      });
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const value = type === 'password' ? field.value : field.value.trim();
      if (required && !value.trim()) {
        error.textContent = `${label} is required.`;
        field.focus();
        return;
      }
      const problem = validate ? validate(value) : null;
      if (problem) {
        error.textContent = problem;
        field.focus();
        return;
      }
      result = value;
      modal.close();
    });
  });
}

/**
 * Moves a file to another lifecycle state: the states this user may choose (settings.lifecycle), a
 * comment (required when the rule says so), and for a release the user's password: releasing is an
 * electronic signature of the current revision. A refusal is shown in the dialog, which stays open.
 */
export function openTransitionModal(file, { user, rules, onDone }) {
  const choices = transitionsFor(file, user ? user.role : 'viewer', rules);
  const id = `transition-${++modalIds}`;
  const select = h('select', { id: `${id}-to`, dataset: { testid: 'transition-to' } },
    choices.map((r) => h('option', { value: r.to }, r.to)));
  const comment = h('textarea', { id: `${id}-comment`, rows: 3, maxlength: 2000, dataset: { testid: 'transition-comment' } });
  const commentLabel = h('label', { for: comment.id });
  const password = h('input', { id: `${id}-password`, type: 'password', autocomplete: 'current-password',
    dataset: { testid: 'transition-password' } });
  const signature = h('div', { class: 'signature', dataset: { testid: 'signature' } },
    h('p', { class: 'muted' }, `Releasing signs revision ${file.revision} (SHA-256 ${String(file.sha256 || '').slice(0, 12)}\u2026) `
      + `as ${user ? user.username : ''}: enter your password.`),
    h('label', { for: password.id }, 'Password'), password);
  const error = h('p', { class: 'form-error', role: 'alert', dataset: { testid: 'transition-error' } });
  const ok = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'modal-confirm' } }, 'Change state');
  const cancel = button('Cancel', { dataset: { testid: 'modal-cancel' } });
  const form = h('form', { class: 'form', novalidate: true },
    h('p', null, `Now: ${stateLabel(file)}, revision ${file.revision}.`),
    h('label', { for: select.id }, 'New state'), select,
    commentLabel, comment, signature, error,
    h('div', { class: 'modal-foot' }, cancel, ok));
  const rule = () => choices.find((r) => r.to === select.value);
  const refresh = () => {
    const r = rule();
    commentLabel.textContent = r && r.comment ? 'Comment' : 'Comment (optional)';
    signature.hidden = !(r && r.signature);
    ok.textContent = r && r.signature ? 'Sign and release' : `Move to ${select.value}`;
  };
  select.addEventListener('change', refresh);
  refresh();
  const modal = openModal({ title: `State: ${file.filename}`, testid: 'transition-modal', content: form });
  cancel.addEventListener('click', modal.close);
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const r = rule();
    if (!r) return;
    const text = comment.value.trim();
    if (r.comment && !text) {
      error.textContent = 'A comment is required for this change.';
      comment.focus();
      return;
    }
    if (r.signature && !password.value) {
      error.textContent = 'Releasing needs your password.';
      password.focus();
      return;
    }
    ok.disabled = true;
    error.textContent = '';
    try {
      const reply = await api.transition(file.filename, { to: r.to, comment: text || undefined,
        password: r.signature ? password.value : undefined });
      modal.close();
      if (onDone) onDone(reply);
    } catch (err) {
      error.textContent = err.message;
      if (err.code === 'bad_signature') {
        password.value = '';
        password.focus();
      }
    } finally {
      ok.disabled = false;
    }
  });
  return modal;
}

/** The lifecycle transitions of a file in its history: who moved it where, and who released what. */
function transitionsTable(transitions) {
  if (!transitions || transitions.length === 0) return null;
  const rows = transitions.map((t) => h('tr', { dataset: { testid: 'transition-row', to: t.to } },
    cell('From', null, t.from || ''),
    cell('To', null, t.to || ''),
    cell('Rev', null, t.revision || ''),
    cell('By', null, t.user || ''),
    cell('Time', null, timeEl(t.at, formatTime(t.at))),
    cell('Signed', null, t.signed ? `signed \u00b7 SHA-256 ${String(t.sha256 || '').slice(0, 12)}\u2026` : ''),
    cell('Comment', { class: 'wrap' }, t.comment || '')));
  return h('div', { class: 'table-wrap' }, h('h3', null, 'Lifecycle'),
    h('table', { class: 'table table-stack', dataset: { testid: 'transitions-table' } },
      h('thead', null, h('tr', null, ['From', 'To', 'Rev', 'By', 'Time', 'Signed', 'Comment'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, rows)));
}

function progressBlock() {
  const bar = h('progress', { max: 1, value: 0, dataset: { testid: 'upload-progress' }, 'aria-label': 'Upload progress' });
  const label = h('span', { class: 'progress-label', 'aria-live': 'polite' }, '');
  const block = h('div', { class: 'progress', hidden: true }, bar, label);
  return {
    block,
    set(fraction) {
      block.hidden = false;
      bar.value = fraction;
      label.textContent = `${Math.round(fraction * 100)} %`;
    },
  };
}

/**
 * Shared upload dialog: fields, a progress bar while sending and a Cancel that aborts the upload.
 * start({ params, file }, onProgress) -> { promise, abort } (see api.upload).
 */
function uploadModal({ title, testid, fields, submitLabel, buildForm, start, onDone, toast, confirm = () => Promise.resolve(true) }) {
  const progress = progressBlock();
  const error = h('p', { class: 'form-error', role: 'alert', dataset: { testid: 'upload-error' } });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'upload-submit' } }, submitLabel);
  const cancel = button('Cancel', { dataset: { testid: 'upload-cancel' } });
  const form = h('form', { class: 'form', novalidate: true }, fields, progress.block, error, h('div', { class: 'modal-foot' }, cancel, submit));
  let running = null;

  const modal = openModal({
    title, testid, content: form,
    beforeClose: () => {
      if (running) {
        running.abort();
        return false;
      }
      return true;
    },
  });
  cancel.addEventListener('click', modal.requestClose);

  function setBusy(busy) {
    for (const el of form.querySelectorAll('input, textarea, select')) el.disabled = busy;
    submit.disabled = busy;
    form.setAttribute('aria-busy', String(busy));
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (running) return;
    error.textContent = '';
    const data = buildForm(form, (message, field) => {
      error.textContent = message;
      if (field) field.focus();
    });
    if (!data) return;
    // A confirmation step (its own dialog) comes before anything is sent; "no" returns to the form.
    submit.disabled = true;
    confirm().then((go) => {
      submit.disabled = false;
      if (!go || running || !modal.dialog.isConnected) return;
      send(data);
    });
  });

  function send(data) {
    setBusy(true);
    progress.set(0);
    running = start(data, progress.set);
    running.promise
      .then((result) => {
        running = null;
        progress.set(1);
        modal.close();
        onDone(result);
      })
      .catch((err) => {
        running = null;
        setBusy(false);
        if (err.code === 'aborted') {
          modal.close();
          toast('Upload cancelled', 'info');
          return;
        }
        error.textContent = err.message;
      });
  }
  return modal;
}

/**
 * "Check In: {filename}": file, required message, minor/major, keep locked, progress, cancel. A
 * chosen file with another name than the vault file is flagged at once and sent only after the
 * user confirms it in a dialog of its own: that is how the wrong program reaches a machine.
 */
export function openCheckinModal(file, { onDone, toast }) {
  // The upload is bound to the checkout it is prepared under: if that lock ends meanwhile (an admin
  // overrides it), the server refuses this upload instead of letting it undo later revisions.
  const lockId = file.lockId || null;
  const fileInput = h('input', { id: 'checkin-file', type: 'file', name: 'file', required: true, dataset: { testid: 'checkin-file' } });
  const message = h('textarea', { id: 'checkin-message', name: 'message', rows: 3, required: true, maxlength: 2000, dataset: { testid: 'checkin-message' } });
  const minor = h('input', { id: 'checkin-minor', type: 'radio', name: 'increment', value: 'minor', checked: true, dataset: { testid: 'checkin-minor' } });
  const major = h('input', { id: 'checkin-major', type: 'radio', name: 'increment', value: 'major', dataset: { testid: 'checkin-major' } });
  const keep = h('input', { id: 'checkin-keep', type: 'checkbox', name: 'keepLocked', dataset: { testid: 'checkin-keep-locked' } });
  const nameWarning = h('p', { class: 'warning', role: 'status', dataset: { testid: 'checkin-name-warning' }, hidden: true });
  fileInput.addEventListener('change', () => {
    const chosen = fileInput.files.length ? fileInput.files[0].name : '';
    const differs = chosen !== '' && nameDiffers(chosen, file.filename);
    nameWarning.hidden = !differs;
    nameWarning.textContent = differs
      ? `The chosen file is named ${baseName(chosen)}, not ${file.filename}. It would become the next revision of ${file.filename}.`
      : '';
  });
  const fields = [
    h('p', { class: 'muted' }, `Current revision ${file.revision || '?'}`),
    h('label', { for: 'checkin-file' }, 'New version of the file'), fileInput, nameWarning,
    h('label', { for: 'checkin-message' }, 'Check-in message'), message,
    h('fieldset', { class: 'inline' }, h('legend', null, 'Revision'),
      h('label', { for: 'checkin-minor' }, minor, ' Minor'), h('label', { for: 'checkin-major' }, major, ' Major')),
    h('label', { for: 'checkin-keep', class: 'check' }, keep, ' Keep the file checked out'),
  ];
  return uploadModal({
    title: `Check In: ${file.filename}`, testid: 'checkin-modal', fields, submitLabel: 'Check in', toast,
    buildForm: (form, fail) => {
      if (!fileInput.files.length) return fail('Choose the file to check in.', fileInput);
      if (!message.value.trim()) return fail('A check-in message is required.', message);
      return {
        params: checkinParams({ message: message.value, major: major.checked, keepLocked: keep.checked, lockId }),
        file: fileInput.files[0],
      };
    },
    confirm: () => {
      const chosen = fileInput.files[0].name;
      if (!nameDiffers(chosen, file.filename)) return Promise.resolve(true);
      return confirmModal({
        title: 'Check in a file with another name?', testid: 'name-mismatch-modal',
        text: `You chose ${baseName(chosen)} to check in as ${file.filename}. Everyone who downloads ${file.filename} `
          + `gets its content from now on. Check in only if ${baseName(chosen)} is the new version of this program.`,
        confirmLabel: `Check in as ${file.filename}`, danger: true,
      });
    },
    start: (data, onProgress) => api.checkin(file.filename, data, onProgress),
    onDone,
  });
}

/** "New file": file, description, progress, cancel. */
export function openNewFileModal({ onDone, toast, settings }) {
  const accept = settings && Array.isArray(settings.allowedExtensions) ? settings.allowedExtensions.join(',') : null;
  const fileInput = h('input', { id: 'new-file', type: 'file', name: 'file', required: true, accept, dataset: { testid: 'new-file-input' } });
  const description = h('input', { id: 'new-description', type: 'text', name: 'description', maxlength: 500, dataset: { testid: 'new-file-description' } });
  const fields = [
    h('label', { for: 'new-file' }, 'File'), fileInput,
    accept ? h('p', { class: 'muted small' }, `Allowed: ${accept.replaceAll(',', ' ')}`) : null,
    h('label', { for: 'new-description' }, 'Description (optional)'), description,
  ];
  return uploadModal({
    title: 'New file', testid: 'new-file-modal', fields, submitLabel: 'Upload', toast,
    buildForm: (form, fail) => {
      if (!fileInput.files.length) return fail('Choose a file to upload.', fileInput);
      const chosen = fileInput.files[0];
      return { params: { filename: baseName(chosen.name), description: description.value.trim() }, file: chosen };
    },
    start: (data, onProgress) => api.uploadNew(data, onProgress),
    onDone,
  });
}

/**
 * History: every revision with author, time, message, a viewer and a download (saved under a name
 * with its revision when it is not the current one); differences between two revisions. A binary
 * file (by the server's extension list, or by its first bytes) offers neither viewer nor differences.
 */
export function openHistoryModal(filename, { toast, settings }) {
  const body = h('div', { class: 'history' }, h('p', { class: 'muted' }, 'Loading history\u2026'));
  const modal = openModal({ title: `History: ${filename}`, testid: 'history-modal', content: body, wide: true });
  const binaryByName = isBinaryName(filename, settings && settings.binaryExtensions);
  const binary = binaryByName ? Promise.resolve(true) : sniffBinary(filename).catch(() => false);
  Promise.all([api.history(filename), binary])
    .then(([data, isBinary]) => {
      if (!modal.dialog.isConnected) return;
      body.replaceChildren(historyContent(filename, (data && data.revisions) || [], { binary: isBinary, toast }));
      const lifecycle = transitionsTable(data && data.transitions);
      if (lifecycle) body.append(lifecycle);
    })
    .catch((err) => {
      body.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, `Cannot load the history: ${err.message}`));
      toast(err.message, 'error');
    });
  return modal;
}

/** A table cell that shows its column's name before the value when the table is stacked (phone width). */
function cell(label, props, ...children) {
  return h('td', { ...(props || {}), dataset: { ...((props && props.dataset) || {}), label } }, ...children);
}

function historyContent(filename, revisions, { binary, toast }) {
  if (revisions.length === 0) return h('p', null, 'No revisions.');
  const current = revisions[0].revision;
  const compare = !binary && revisions.length > 1;
  const diffArea = h('div', { class: 'diff-area', dataset: { testid: 'diff-area' }, 'aria-live': 'polite' });
  const rows = revisions.map((r, i) => {
    const saveAs = downloadName(filename, r.revision, current);
    const view = binary ? null : h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'history-view' },
      'aria-label': `View revision ${r.revision}` }, 'View');
    if (view) view.addEventListener('click', () => openViewer(filename, r.revision, { toast }));
    return h('tr', { dataset: { testid: 'history-row', revision: r.revision } },
      cell('Rev', null, r.revision),
      cell('Author', null, r.author || ''),
      cell('Time', null, timeEl(r.timestamp, formatTime(r.timestamp))),
      cell('Message', { class: 'wrap' }, r.message || ''),
      cell('Size', { class: 'num' }, formatSize(r.size)),
      compare ? cell('From', { class: 'pick' }, h('input', { type: 'radio', name: 'diff-from', value: r.revision, checked: i === 1,
        'aria-label': `Compare from ${r.revision}`, dataset: { testid: 'diff-from' } })) : null,
      compare ? cell('To', { class: 'pick' }, h('input', { type: 'radio', name: 'diff-to', value: r.revision, checked: i === 0,
        'aria-label': `Compare to ${r.revision}`, dataset: { testid: 'diff-to' } })) : null,
      cell('', { class: 'history-actions' }, view,
        h('a', { href: contentUrl(filename, r.revision), download: saveAs, class: 'btn btn-small',
          dataset: { testid: 'history-download', saveAs }, 'aria-label': `Download revision ${r.revision} as ${saveAs}` }, 'Download')));
  });
  const heads = ['Rev', 'Author', 'Time', 'Message', 'Size', ...(compare ? ['From', 'To'] : []), ''];
  const table = h('div', { class: 'table-wrap' }, h('table', { class: 'table table-stack', dataset: { testid: 'history-table' } },
    h('thead', null, h('tr', null, heads.map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', null, rows)));
  if (binary) {
    return h('div', null, table, h('p', { class: 'muted', dataset: { testid: 'binary-note' } },
      'A binary file: no viewer and no differences. Download a revision to open it in its program.'));
  }
  const toolpaths = backplotPanel(filename, revisions);
  if (revisions.length < 2) {
    return h('div', null, table, h('p', { class: 'muted' }, 'Only one revision so far: nothing to compare.'), toolpaths.element);
  }
  const picked = () => {
    const root = table.closest('.history') || table.parentNode;
    return [root.querySelector('input[name=diff-from]:checked'), root.querySelector('input[name=diff-to]:checked')];
  };
  const compareToolpaths = h('button', { type: 'button', class: 'btn', dataset: { testid: 'show-toolpaths' } }, 'Compare toolpaths');
  compareToolpaths.addEventListener('click', () => {
    const [from, to] = picked();
    if (from && to) toolpaths.show(to.value, from.value);
  });

  const show = h('button', { type: 'button', class: 'btn', dataset: { testid: 'show-diff' } }, 'Show differences');
  show.addEventListener('click', () => {
    const [from, to] = picked();
    if (!from || !to || from.value === to.value) {
      diffArea.replaceChildren(h('p', { class: 'form-error', role: 'alert' }, 'Choose two different revisions.'));
      return;
    }
    diffArea.replaceChildren(h('p', { class: 'muted' }, 'Loading differences\u2026'));
    api.diff(filename, from.value, to.value)
      .then((data) => {
        const parsed = parseUnifiedDiff(data && data.diff);
        diffArea.replaceChildren(
          h('h3', null, `Changes from ${from.value} to ${to.value}`),
          parsed.length ? renderDiff(parsed) : h('p', { dataset: { testid: 'diff-empty' } }, 'No differences.'));
      })
      .catch((err) => {
        const text = err.status === 415 ? 'Binary file, no diff.' : `Cannot show the differences: ${err.message}`;
        diffArea.replaceChildren(h('p', { class: err.status === 415 ? 'muted' : 'form-error', dataset: { testid: 'diff-message' } }, text));
      });
  });
  return h('div', null, table, h('div', { class: 'diff-controls' }, show, compareToolpaths), diffArea, toolpaths.element);
}
