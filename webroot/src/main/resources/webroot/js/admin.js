// Admin view: users (create, role, password, delete), force unlock, deleted files, messages.
import { h, byId, timeEl } from './dom.js';
import { api } from './api.js';
import { formatDuration, formatTime, formatSize } from './format.js';
import { confirmModal } from './modals.js';
import { passwordProblem, usernameProblem } from './userrules.js';

const ROLES = ['viewer', 'programmer', 'approver', 'admin'];
const ROLE_MEANS = {
  viewer: 'reads and downloads, changes nothing.',
  programmer: 'checks files out and in, adds files.',
  approver: 'also releases files under review (signing with the password) or sends them back to draft.',
  admin: 'also overrides locks, deletes files and manages users.',
};

function usersFrom(data) {
  if (Array.isArray(data)) return data;
  return (data && data.users) || [];
}

export function createAdmin({ store, toast }) {
  const els = {
    users: byId('users-body'),
    createForm: byId('user-create-form'),
    createRole: byId('new-user-role'),
    locked: byId('locked-list'),
    lockedEmpty: byId('locked-empty'),
    deleted: byId('deleted-list'),
    deletedEmpty: byId('deleted-empty'),
    messageForm: byId('message-form'),
    messageTo: byId('message-to'),
  };
  els.createRole.replaceChildren(...ROLES.map((r) => h('option', { value: r, selected: r === 'programmer' }, r)));
  let visible = false;
  let usersTimer = null;
  let deletedTimer = null;

  function userRow(u) {
    const me = store.state.user && store.state.user.username === u.username;
    const role = h('select', { 'aria-label': `Role of ${u.username}`, dataset: { testid: 'user-role', username: u.username }, disabled: me },
      ROLES.map((r) => h('option', { value: r, selected: r === u.role }, r)));
    // A role changes only after the admin confirms it; choosing in the list alone changes nothing.
    role.addEventListener('change', () => {
      const wanted = role.value;
      confirmModal({
        title: `Change the role of ${u.username}?`, testid: 'role-confirm-modal', confirmLabel: `Make ${u.username} ${wanted}`,
        text: `${u.username} is ${u.role} now and becomes ${wanted}: ${ROLE_MEANS[wanted]}`,
      }).then((ok) => {
        if (!ok) {
          role.value = u.role;
          return null;
        }
        return api.setRole(u.username, wanted).then(() => {
          u.role = wanted;
          toast(`${u.username} is now ${wanted}`, 'success');
        });
      }).catch((err) => {
        role.value = u.role;
        toast(err.message, 'error');
      });
    });
    return h('tr', { dataset: { testid: 'user-row', username: u.username } },
      h('td', { dataset: { label: 'User' } }, u.username, me ? h('span', { class: 'muted small' }, ' (you)') : null),
      h('td', { dataset: { label: 'Role' } }, role),
      h('td', { dataset: { label: 'Created' } }, u.createdAt ? timeEl(u.createdAt, formatTime(u.createdAt)) : ''),
      h('td', { dataset: { label: '' } }, h('div', { class: 'row-actions' },
        h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Reset the password of ${u.username}`,
          dataset: { action: 'user-password', username: u.username, testid: 'user-password', needsServer: '' } }, 'Reset password'),
        me ? null : h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Delete user ${u.username}`,
          dataset: { action: 'user-delete', username: u.username, testid: 'user-delete', needsServer: '' } }, 'Delete'))));
  }

  function loadUsers() {
    clearTimeout(usersTimer);
    usersTimer = null;
    return api.users().then((data) => {
      const list = usersFrom(data).slice().sort((a, b) => (a.username < b.username ? -1 : 1));
      els.users.replaceChildren(...list.map(userRow));
      els.messageTo.replaceChildren(...list.map((u) => h('option', { value: u.username })));
    }).catch((err) => toast(`Cannot load users: ${err.message}`, 'error'));
  }

  function loadDeleted() {
    clearTimeout(deletedTimer);
    deletedTimer = null;
    return api.files('deleted').then((groups) => {
      const files = Object.values(groups || {}).flat().sort((a, b) => (a.filename < b.filename ? -1 : 1));
      els.deleted.replaceChildren(...files.map((f) => h('li', { class: 'row', dataset: { testid: 'deleted-file', filename: f.filename } },
        h('span', { class: 'fname' }, f.filename),
        h('span', { class: 'muted small' }, ` rev ${f.revision} \u00b7 ${formatSize(f.size)}`),
        h('button', { type: 'button', class: 'btn btn-small', 'aria-label': `Restore ${f.filename}`,
          dataset: { action: 'restore', filename: f.filename, testid: 'action-restore', needsServer: '' } }, 'Restore'))));
      els.deletedEmpty.hidden = files.length > 0;
    }).catch((err) => toast(`Cannot load deleted files: ${err.message}`, 'error'));
  }

  function renderLocked() {
    const locked = [...store.state.files.values()].filter((f) => f.status === 'locked')
      .sort((a, b) => (a.lockedAt || '').localeCompare(b.lockedAt || ''));
    els.locked.replaceChildren(...locked.map((f) => h('li', { class: 'row', dataset: { testid: 'locked-file', filename: f.filename } },
      h('span', { class: 'fname' }, f.filename),
      h('span', { class: 'muted small' }, ` ${f.lockedBy} since `, timeEl(f.lockedAt, formatTime(f.lockedAt)),
        ` (${formatDuration((Date.now() - Date.parse(f.lockedAt)) / 1000)})`),
      f.lockMessage ? h('span', { class: 'muted small block' }, f.lockMessage) : null,
      h('button', { type: 'button', class: 'btn btn-small btn-danger', 'aria-label': `Override the lock on ${f.filename}`,
        dataset: { action: 'override', filename: f.filename, testid: 'action-override', needsServer: '' } }, 'Override'))));
    els.lockedEmpty.hidden = locked.length > 0;
  }

  // The server's rules, shown while the admin types; the form is sent only when both are met.
  const checks = [
    { field: els.createForm.elements.username, problem: (v) => usernameProblem(v.trim()), hint: byId('new-user-name-hint') },
    { field: els.createForm.elements.password, problem: passwordProblem, hint: byId('new-user-password-hint') },
  ];
  function validate(check, shown) {
    const problem = check.problem(check.field.value);
    check.hint.textContent = problem || (shown ? '\u2713' : '');
    check.hint.classList.toggle('hint-ok', !problem);
    check.field.setAttribute('aria-invalid', String(Boolean(problem) && shown));
    return problem;
  }
  for (const check of checks) {
    check.field.addEventListener('input', () => validate(check, true));
  }

  els.createForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const form = els.createForm;
    const username = form.elements.username.value.trim();
    const password = form.elements.password.value;
    const role = form.elements.role.value;
    const wrong = checks.filter((check) => validate(check, true));
    if (wrong.length) {
      wrong[0].field.focus();
      return;
    }
    api.createUser(username, password, role)
      .then(() => {
        form.reset();
        for (const check of checks) {
          check.hint.textContent = '';
          check.field.removeAttribute('aria-invalid');
        }
        els.createRole.value = 'programmer';
        toast(`User ${username} created`, 'success');
        loadUsers();
      })
      .catch((err) => toast(err.message, 'error'));
  });

  els.messageForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const form = els.messageForm;
    const to = form.elements.to.value.trim();
    const text = form.elements.text.value.trim();
    if (!to || !text) {
      toast('Recipient and message are required', 'warning');
      return;
    }
    api.sendMessage(to, text)
      .then(() => {
        form.elements.text.value = '';
        toast(`Message sent to ${to}`, 'success');
      })
      .catch((err) => toast(err.message, 'error'));
  });

  return {
    show() {
      visible = true;
      loadUsers();
      loadDeleted();
      renderLocked();
    },
    hide() {
      visible = false;
    },
    filesChanged() {
      if (visible) renderLocked();
    },
    onActivity(entry) {
      if (!visible) return;
      const type = entry.event_type;
      if (type.startsWith('user_') && !usersTimer) usersTimer = setTimeout(loadUsers, 300);
      if ((type === 'delete' || type === 'restore') && !deletedTimer) deletedTimer = setTimeout(loadDeleted, 300);
    },
    reloadUsers: loadUsers,
    reloadDeleted: loadDeleted,
  };
}
