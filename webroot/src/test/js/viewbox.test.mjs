import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  formatViewBox, panByPixels, panByShare, parseViewBox, toUser, unitsPerPixel, wheelFactor, zoomAt, zoomCentre, zoomLevel,
} from '../../main/resources/webroot/js/viewbox.js';

const near = (a, b, what) => assert.ok(Math.abs(a - b) < 1e-9, `${what}: ${a} is not ${b}`);
const sameBox = (a, b) => ['x', 'y', 'w', 'h'].forEach((k) => near(a[k], b[k], k));

test('a viewBox is read from its attribute and written back', () => {
  assert.deepEqual(parseViewBox('-30 -75.5 186,96'), { x: -30, y: -75.5, w: 186, h: 96 });
  assert.equal(parseViewBox('0 0 10'), null);
  assert.equal(parseViewBox('0 0 -1 5'), null);
  assert.equal(parseViewBox('a b c d'), null);
  assert.equal(formatViewBox({ x: 0.1 + 0.2, y: -5, w: 100, h: 50 }), '0.3 -5 100 50');
});

test('the drawing is centred in an element of another shape, and pixels map to drawing units', () => {
  const vb = { x: 0, y: 0, w: 200, h: 100 };
  // a 400 x 400 px element shows 200 x 100 at 0.5 units per pixel, with 100 px spare above and below
  assert.equal(unitsPerPixel(vb, 400, 400), 0.5);
  assert.deepEqual(toUser(vb, 400, 400, 0, 100), { x: 0, y: 0 });
  assert.deepEqual(toUser(vb, 400, 400, 400, 300), { x: 200, y: 100 });
  assert.deepEqual(toUser(vb, 400, 400, 200, 200), { x: 100, y: 50 });
});

test('zooming at a point keeps that point where it was on screen', () => {
  const home = { x: 0, y: 0, w: 200, h: 100 };
  const zoomed = zoomAt(home, 2, 50, 25, home);
  sameBox(zoomed, { x: 25, y: 12.5, w: 100, h: 50 });
  // the point under the same pixel is still (50, 25)
  const before = toUser(home, 400, 200, 100, 50);
  const after = toUser(zoomed, 400, 200, 100, 50);
  near(after.x, before.x, 'x');
  near(after.y, before.y, 'y');
  sameBox(zoomAt(zoomed, 0.5, 50, 25, home), home);
});

test('zoom stops at 200 times closer and 4 times farther than the whole drawing', () => {
  const home = { x: 0, y: 0, w: 200, h: 100 };
  let vb = home;
  for (let i = 0; i < 100; i++) vb = zoomCentre(vb, 2, home);
  near(zoomLevel(vb, home), 200, 'closest');
  for (let i = 0; i < 100; i++) vb = zoomCentre(vb, 0.5, home);
  near(zoomLevel(vb, home), 0.25, 'farthest');
  near(vb.x + vb.w / 2, 100, 'still centred in x');
  near(vb.y + vb.h / 2, 50, 'still centred in y');
});

test('dragging moves the drawing with the pointer; keys move the view by a share of it', () => {
  const vb = { x: 0, y: 0, w: 200, h: 100 };
  // 0.5 units per pixel: dragging 40 px right shows what was 20 units to the left
  sameBox(panByPixels(vb, 40, -10, 400, 200), { x: -20, y: 5, w: 200, h: 100 });
  sameBox(panByShare(vb, 0.1, -0.1), { x: 20, y: -10, w: 200, h: 100 });
});

test('the wheel zooms in when turned away from the user, by the same steps in pixels, lines and pages', () => {
  assert.ok(wheelFactor(-100) > 1);
  assert.ok(wheelFactor(100) < 1);
  near(wheelFactor(-100) * wheelFactor(100), 1, 'in and out again');
  near(wheelFactor(-3, 1), wheelFactor(-48), 'lines of 16 px');
  near(wheelFactor(1, 2), wheelFactor(400), 'pages of 400 px');
});
