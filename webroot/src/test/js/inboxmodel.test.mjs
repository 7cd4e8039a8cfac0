import { test } from 'node:test';
import assert from 'node:assert/strict';
import { markRead, unreadLabel } from '../../main/resources/webroot/js/inboxmodel.js';

test('the badge shows the unread count, capped, and the button says it in words', () => {
  assert.deepEqual(unreadLabel(0), { badge: '0', name: 'Inbox, nothing unread' });
  assert.deepEqual(unreadLabel(3), { badge: '3', name: 'Inbox, 3 unread' });
  assert.deepEqual(unreadLabel(250), { badge: '99+', name: 'Inbox, 250 unread' });
  assert.deepEqual(unreadLabel(undefined), { badge: '0', name: 'Inbox, nothing unread' });
});

test('an INBOX message marks the notices it names, or all of them, read', () => {
  const notices = [{ id: 3, read: false }, { id: 2, read: false }, { id: 1, read: true }];
  assert.deepEqual(markRead(notices, { read: [2], unread: 1 }).map((n) => n.read), [false, true, true]);
  assert.deepEqual(markRead(notices, { all: true, unread: 0 }).map((n) => n.read), [true, true, true]);
  assert.deepEqual(markRead(notices, { unread: 2 }).map((n) => n.read), [false, false, true]);
});
