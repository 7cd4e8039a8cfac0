// Machines view: the machines (admins register and delete them), sending a file with its progress,
// the transfer log, and the programs coming back from machines (compare, accept, reject).
import { h, byId, timeEl } from './dom.js';
import { api } from './api.js';
import { formatSize, formatTime, isMachineEvent } from './format.js';
import { confirmModal, openModal, promptModal } from './modals.js';
import { parseUnifiedDiff, renderDiff } from './diff.js';
import { atLeast } from './filemodel.js';
import { sendability, transferStatusText, transportFrom, transportText } from './machinemodel.js';

export function createMachines({ store, toast }) {
  const els = {
    body: byId('machines-body'),
    empty: byId('machines-empty'),
    form: byId('machine-create-form'),
    transfers: byId('transfers-list'),
    transfersEmpty: byId('transfers-empty'),
    imports: byId('imports-list'),
    importsEmpty: byId('imports-empty'),
  };
  let visible = false;
  let refreshTimer = null;
  const progress = new Set();

  const role = () => (store.state.user && store.state.user.role) || 'viewer';

  function showKindFields() {
    const kind = els.form.elements.kind.value;
    for (const field of els.form.querySelectorAll('[data-kinds]')) field.hidden = !field.dataset.kinds.split(' ').includes(kind);
  }
  els.form.elements.kind.addEventListener('change', showKindFields);
  els.form.addEventListener('submit', (e) => {
    e.preventDefault();
    const fields = Object.fromEntries(new FormData(els.form).entries());
    const error = els.form.querySelector('.form-error');
    error.textContent = '';
    api.createMachine({ name: fields.name.trim(), group: fields.group, controller: fields.controller,
      node: (fields.node || '').trim(), transport: transportFrom(fields.kind, fields) })
      .then((m) => {
        toast(`Machine ${m.name} registered`, 'success');
        els.form.reset();
        showKindFields();
        loadMachines();
      })
      .catch((err) => { error.textContent = err.message; });
  });

  function machineRow(m) {
    const actions = [];
    if (atLeast(role(), 'programmer')) {
      actions.push(h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Send a file to ${m.name}`,
        dataset: { testid: 'machine-send', machine: m.name, needsServer: '' }, onclick: () => openSendModal(m) }, 'Send file'));
    }
    if (role() === 'admin') {
      actions.push(h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Delete ${m.name}`,
        dataset: { testid: 'machine-delete', machine: m.name, needsServer: '' }, onclick: () => deleteMachine(m) }, 'Delete'));
    }
    return h('tr', { dataset: { testid: 'machine-row', machine: m.name } },
      h('td', { 'data-label': 'Machine' }, m.name),
      h('td', { 'data-label': 'Group' }, m.group || ''),
      h('td', { 'data-label': 'Controller' }, m.controller || ''),
      h('td', { 'data-label': 'Transport' }, transportText(m.transport), m.node ? h('span', { class: 'muted small block' }, `at node ${m.node}`) : null),
      h('td', { 'data-label': 'Actions' }, actions));
  }

  function deleteMachine(m) {
    confirmModal({ title: `Delete machine ${m.name}?`, text: 'Its assignments go with it; the transfer log stays.',
      confirmLabel: `Delete ${m.name}`, danger: true, testid: 'machine-delete-modal' })
      .then((ok) => ok && api.deleteMachine(m.name).then(() => {
        toast(`Machine ${m.name} deleted`, 'success');
        loadMachines();
      }))
      .catch((err) => toast(err.message, 'error'));
  }

  /** Choose a file, send it, and watch its transfer until it ends (from the live events). */
  function openSendModal(m) {
    const names = [...store.state.files.keys()].sort();
    const listId = `send-files-${Date.now()}`;
    const input = h('input', { id: `${listId}-input`, list: listId, autocomplete: 'off', required: true, dataset: { testid: 'send-filename' } });
    const hint = h('p', { class: 'small', id: `${listId}-hint`, dataset: { testid: 'send-hint' } });
    const status = h('p', { class: 'muted', role: 'status', 'aria-live': 'polite', dataset: { testid: 'send-status' } });
    const send = h('button', { type: 'submit', class: 'btn btn-primary', dataset: { testid: 'send-submit' } }, `Send to ${m.name}`);
    const assign = h('button', { type: 'button', class: 'btn', hidden: true, dataset: { testid: 'send-assign' } }, `Assign to ${m.name} and send`);
    const form = h('form', { class: 'form', novalidate: true },
      h('label', { for: input.id }, 'File'), input,
      h('datalist', { id: listId }, names.map((n) => h('option', { value: n }))),
      hint, status,
      h('div', { class: 'modal-foot' }, assign, send));
    input.setAttribute('aria-describedby', hint.id);
    let watching = null;
    let sending = false;
    // Only a released revision goes to a machine: the send button says why it cannot, and follows
    // the file's state live (a release in another page enables it).
    function explain() {
      const name = input.value.trim();
      const verdict = sendability(name, store.state.files.get(name));
      hint.textContent = verdict.text;
      hint.dataset.sendable = String(verdict.ok);
      send.disabled = sending || !verdict.ok;
      assign.disabled = !verdict.ok;
      send.title = verdict.ok ? '' : verdict.text;
    }
    input.addEventListener('input', explain);
    const unsubscribe = store.subscribe(explain, ['files']);
    const modal = openModal({ title: `Send a file to ${m.name}`, testid: 'send-modal', content: form,
      onClose: () => { unsubscribe(); if (watching) progress.delete(watching); } });

    function start(filename) {
      status.textContent = 'Sending\u2026';
      sending = true;
      send.disabled = true;
      assign.hidden = true;
      api.send(m.name, filename).then((reply) => {
        const id = reply.transfer.id;
        watching = (transfers) => {
          const t = transfers.find((x) => x.id === id);
          if (!t) return;
          status.textContent = `${t.filename} rev ${t.revision}: ${transferStatusText(t)}`;
          status.dataset.status = t.status;
          if (t.status !== 'running') {
            progress.delete(watching);
            sending = false;
            explain();
          }
        };
        progress.add(watching);
        loadTransfers();
      }).catch((err) => {
        sending = false;
        explain();
        status.textContent = err.message;
        status.dataset.status = 'refused';
        if (err.code === 'not_assigned' && atLeast(role(), 'programmer')) assign.hidden = false;
      });
    }
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const filename = input.value.trim();
      if (filename) start(filename);
    });
    assign.addEventListener('click', () => {
      const filename = input.value.trim();
      api.fileMachines(filename)
        .then((current) => api.assignMachines(filename, [...new Set([...(current.machines || []), m.name])]))
        .then(() => start(filename))
        .catch((err) => { status.textContent = err.message; });
    });
    return modal;
  }

  function transferRow(t) {
    return h('li', { class: 'row', dataset: { testid: 'transfer', status: t.status, machine: t.machine } },
      h('span', { class: 'fname' }, `${t.filename} rev ${t.revision} \u2192 ${t.machine}`),
      h('span', { class: 'muted small' }, ` ${t.user} `, timeEl(t.startedAt, formatTime(t.startedAt)),
        t.status === 'succeeded' ? ` \u00b7 ${formatSize(t.bytes)}` : ''),
      h('span', { class: 'small block' }, transferStatusText(t)));
  }

  function importRow(item) {
    const buttons = [];
    if (item.filename) {
      buttons.push(h('button', { type: 'button', class: 'btn btn-small', dataset: { testid: 'import-compare', needsServer: '' },
        onclick: () => compare(item) }, 'Compare'));
    }
    // approvers decide what comes back (admins are approvers too); storage checks the role again
    if (atLeast(role(), 'approver')) {
      if (item.filename) {
        buttons.push(h('button', { type: 'button', class: 'btn btn-small btn-primary', dataset: { testid: 'import-accept', needsServer: '' },
          onclick: () => accept(item) }, 'Accept'));
      }
      buttons.push(h('button', { type: 'button', class: 'btn btn-small btn-danger', dataset: { testid: 'import-reject', needsServer: '' },
        onclick: () => reject(item) }, 'Reject'));
    }
    return h('li', { class: 'row', dataset: { testid: 'import', id: item.id } },
      h('span', { class: 'fname' }, item.filename || item.name || 'unnamed program'),
      h('span', { class: 'muted small' }, ` from ${item.machine} `, timeEl(item.receivedAt, formatTime(item.receivedAt)),
        ` \u00b7 ${formatSize(item.size)}${item.filename ? '' : ' \u00b7 matches no file'}`),
      buttons);
  }

  function compare(item) {
    api.importDiff(item.id).then((diff) => {
      const rows = parseUnifiedDiff(diff.diff);
      openModal({ title: `${diff.filename} rev ${diff.from} \u2192 program from ${item.machine}`, testid: 'import-diff-modal', wide: true,
        content: rows.length ? renderDiff(rows) : h('p', { dataset: { testid: 'diff-empty' } }, 'No differences.') });
    }).catch((err) => toast(err.message, 'error'));
  }

  function accept(item) {
    promptModal({ title: `Accept the program from ${item.machine}`, label: 'Message for the new revision', required: true,
      multiline: true, confirmLabel: `New draft revision of ${item.filename}`, testid: 'import-accept-modal', maxLength: 2000 })
      .then((message) => message && api.acceptImport(item.id, message).then((done) => {
        toast(`${done.filename} is now rev ${done.revision} (a draft; the released revision stays)`, 'success');
        loadImports();
      }))
      .catch((err) => toast(err.message, 'error'));
  }

  function reject(item) {
    confirmModal({ title: 'Reject this program?', text: `The program from ${item.machine} leaves the queue; the vault stays as it is.`,
      confirmLabel: 'Reject', danger: true, testid: 'import-reject-modal' })
      .then((ok) => ok && api.rejectImport(item.id).then(() => loadImports()))
      .catch((err) => toast(err.message, 'error'));
  }

  function loadMachines() {
    return api.machines().then((data) => {
      const machines = (data && data.machines) || [];
      els.body.replaceChildren(...machines.map(machineRow));
      els.empty.hidden = machines.length > 0;
    }).catch((err) => toast(`Cannot load machines: ${err.message}`, 'error'));
  }

  function loadTransfers() {
    return api.transfers({ limit: 20 }).then((data) => {
      const transfers = (data && data.transfers) || [];
      for (const watch of [...progress]) watch(transfers);
      if (!visible) return;
      els.transfers.replaceChildren(...transfers.map(transferRow));
      els.transfersEmpty.hidden = transfers.length > 0;
    }).catch(() => {});
  }

  function loadImports() {
    return api.importQueue({ pending: true }).then((data) => {
      const items = (data && data.items) || [];
      els.imports.replaceChildren(...items.map(importRow));
      els.importsEmpty.hidden = items.length > 0;
    }).catch((err) => toast(`Cannot load the import queue: ${err.message}`, 'error'));
  }

  function refreshSoon(entry) {
    clearTimeout(refreshTimer);
    refreshTimer = setTimeout(() => {
      if (entry.event_type === 'machine_changed' && visible) loadMachines();
      if (entry.event_type.startsWith('import_') && visible) loadImports();
      if (entry.event_type.startsWith('transfer_') && (visible || progress.size)) loadTransfers();
    }, 100);
  }

  return {
    show() {
      visible = true;
      els.form.hidden = role() !== 'admin';
      showKindFields();
      loadMachines();
      loadTransfers();
      loadImports();
    },
    hide() {
      visible = false;
    },
    onActivity(entry) {
      if (entry && isMachineEvent(entry.event_type) && (visible || progress.size)) refreshSoon(entry);
    },
  };
}
