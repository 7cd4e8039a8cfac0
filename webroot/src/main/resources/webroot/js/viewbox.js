// Pan and zoom of an SVG by its viewBox: the arithmetic, pure (no DOM), so Node tests it.
// A viewBox is {x, y, w, h} in the drawing's units (mm for a backplot). The element shows it with
// the default preserveAspectRatio (xMidYMid meet): scaled to fit, centred.

/** "x y w h" (commas or spaces) -> {x, y, w, h}, or null when it is not four finite numbers with w, h > 0. */
export function parseViewBox(text) {
  const parts = String(text || '').trim().split(/[\s,]+/).map(Number);
  if (parts.length !== 4 || parts.some((n) => !Number.isFinite(n)) || parts[2] <= 0 || parts[3] <= 0) return null;
  return { x: parts[0], y: parts[1], w: parts[2], h: parts[3] };
}

export function formatViewBox(vb) {
  return [vb.x, vb.y, vb.w, vb.h].map((n) => Number(n.toPrecision(10))).join(' ');
}

/** Drawing units per screen pixel for an element of width x height pixels (meet: the larger ratio). */
export function unitsPerPixel(vb, width, height) {
  return Math.max(vb.w / Math.max(1, width), vb.h / Math.max(1, height));
}

/** The drawing point under the pixel (px, py) of the element (from its top left corner). */
export function toUser(vb, width, height, px, py) {
  const s = unitsPerPixel(vb, width, height);
  // meet centres the viewBox: the spare room is split on both sides
  return {
    x: vb.x - (width * s - vb.w) / 2 + px * s,
    y: vb.y - (height * s - vb.h) / 2 + py * s,
  };
}

/**
 * Zooms by `factor` (> 1 closer, < 1 farther) keeping the drawing point (ux, uy) where it is on
 * screen; never closer or farther than `limits` allow relative to `home` (the whole drawing).
 */
export function zoomAt(vb, factor, ux, uy, home, limits = ZOOM_LIMITS) {
  const f = limitedFactor(vb, factor, home, limits);
  return { x: ux - (ux - vb.x) / f, y: uy - (uy - vb.y) / f, w: vb.w / f, h: vb.h / f };
}

/** How far in and out one may zoom, relative to the whole drawing (the home viewBox). */
export const ZOOM_LIMITS = { closest: 200, farthest: 4 };

/** The factor that stays within the limits (home.w / closest <= new width <= home.w * farthest). */
export function limitedFactor(vb, factor, home, limits = ZOOM_LIMITS) {
  if (!home || !(factor > 0)) return factor > 0 ? factor : 1;
  const width = vb.w / factor;
  const min = home.w / limits.closest;
  const max = home.w * limits.farthest;
  if (width < min) return vb.w / min;
  if (width > max) return vb.w / max;
  return factor;
}

/** Zooms about the centre of the view (buttons and keys). */
export function zoomCentre(vb, factor, home, limits = ZOOM_LIMITS) {
  return zoomAt(vb, factor, vb.x + vb.w / 2, vb.y + vb.h / 2, home, limits);
}

/** Moves the drawing with the pointer: dx, dy pixels on screen. */
export function panByPixels(vb, dx, dy, width, height) {
  const s = unitsPerPixel(vb, width, height);
  return { x: vb.x - dx * s, y: vb.y - dy * s, w: vb.w, h: vb.h };
}

/** Moves the view by a share of its own size (keys: 0.1 = a tenth of the view per press). */
export function panByShare(vb, sx, sy) {
  return { x: vb.x + sx * vb.w, y: vb.y + sy * vb.h, w: vb.w, h: vb.h };
}

/** Wheel delta (pixels, or lines/pages by deltaMode) -> zoom factor: each 100 px is 1.2x. */
export function wheelFactor(deltaY, deltaMode = 0) {
  const pixels = deltaMode === 1 ? deltaY * 16 : deltaMode === 2 ? deltaY * 400 : deltaY;
  return Math.pow(1.2, -pixels / 100);
}

/** Width of the whole drawing over the width shown: 1 at home, 2 zoomed in twice. */
export function zoomLevel(vb, home) {
  return home ? home.w / vb.w : 1;
}
