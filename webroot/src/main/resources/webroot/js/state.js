// A small store: the state is changed first, then every subscriber is told which keys changed.

/**
 * createStore({ files: new Map() }) -> { state, set(patch, detail), subscribe(fn, keys?) }.
 * `detail` travels to subscribers, e.g. { changed: ['a.nc'] } for a one-file update, so a
 * renderer can redraw only what changed.
 */
export function createStore(initial) {
  const state = { ...initial };
  const subscribers = new Set();
  return {
    get state() {
      return state;
    },
    set(patch, detail = {}) {
      Object.assign(state, patch);
      const keys = Object.keys(patch);
      for (const sub of [...subscribers]) {
        if (!sub.keys || keys.some((k) => sub.keys.includes(k))) sub.fn(state, keys, detail);
      }
    },
    subscribe(fn, keys) {
      const sub = { fn, keys: keys || null };
      subscribers.add(sub);
      return () => subscribers.delete(sub);
    },
  };
}

/** Replaces one file (or removes it when deleted) and returns the new Map; the old one is not touched. */
export function withFile(files, file) {
  const next = new Map(files);
  if (!file || file.deleted) next.delete(file ? file.filename : undefined);
  else next.set(file.filename, file);
  return next;
}
