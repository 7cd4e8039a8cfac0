import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fillDays, niceMax } from '../../main/resources/webroot/js/charts.js';
import { activityMatches } from '../../main/resources/webroot/js/dashboard.js';
import { resolveTheme } from '../../main/resources/webroot/js/settings.js';

test('axis maxima are round numbers at or above the data', () => {
  assert.equal(niceMax(0), 1);
  assert.equal(niceMax(1), 1);
  assert.equal(niceMax(7), 8);
  assert.equal(niceMax(13), 15);
  assert.equal(niceMax(130), 150);
});

test('the check-in chart has one bar per day for 30 days, missing days at zero', () => {
  const days = fillDays([{ day: '2024-05-30', count: 3 }, { day: '2024-05-01', count: 1 }], new Date('2024-05-30T12:00:00Z'), 30);
  assert.equal(days.length, 30);
  assert.deepEqual(days[0], { day: '2024-05-01', count: 1 });
  assert.deepEqual(days[29], { day: '2024-05-30', count: 3 });
  assert.equal(days[10].count, 0);
});

test('the activity feed filters by user and event type', () => {
  const e = { user: 'alice', event_type: 'checkout' };
  assert.ok(activityMatches(e, { user: '', type: '' }));
  assert.ok(activityMatches(e, { user: 'alice', type: 'checkout' }));
  assert.ok(!activityMatches(e, { user: 'bob', type: '' }));
  assert.ok(!activityMatches(e, { user: '', type: 'checkin' }));
});

test('the system theme follows the OS, an explicit choice wins', () => {
  assert.equal(resolveTheme('system', true), 'dark');
  assert.equal(resolveTheme('system', false), 'light');
  assert.equal(resolveTheme('light', true), 'light');
  assert.equal(resolveTheme('dark', false), 'dark');
  assert.equal(resolveTheme(undefined, true), 'dark');
});
