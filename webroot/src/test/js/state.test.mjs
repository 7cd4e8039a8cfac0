import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createStore, withFile } from '../../main/resources/webroot/js/state.js';

test('the state is updated before subscribers run, and they learn which keys changed', () => {
  const store = createStore({ a: 1, b: 2 });
  const seen = [];
  store.subscribe((state, keys, detail) => seen.push([state.a, keys, detail]));
  store.set({ a: 5 }, { changed: ['x'] });
  assert.deepEqual(seen, [[5, ['a'], { changed: ['x'] }]]);
});

test('a subscriber for some keys is not called for others; unsubscribe stops calls', () => {
  const store = createStore({ a: 1, b: 2 });
  let calls = 0;
  const off = store.subscribe(() => calls++, ['b']);
  store.set({ a: 2 });
  assert.equal(calls, 0);
  store.set({ b: 3 });
  assert.equal(calls, 1);
  off();
  store.set({ b: 4 });
  assert.equal(calls, 1);
});

test('withFile returns a new map with the file replaced or removed', () => {
  const files = new Map([['a', { filename: 'a', v: 1 }]]);
  const next = withFile(files, { filename: 'a', v: 2 });
  assert.equal(next.get('a').v, 2);
  assert.equal(files.get('a').v, 1);
  assert.equal(withFile(next, { filename: 'a', deleted: true }).has('a'), false);
});
