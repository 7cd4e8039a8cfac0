// Live updates over /ws (protocol 2): connect, reconnect with backoff, apply messages in seq order.
import { filesFromGroups, sameFile } from './filemodel.js';
import { withFile } from './state.js';

export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30000;
const JITTER = 0.25;

export const CLOSE_RESYNC = 4000;
export const CLOSE_SESSION = 4001;

/** Delay before reconnect attempt `attempt` (0-based): 1, 2, 4, 8, 16 s... plus up to 25% jitter, at most 30 s. */
export function backoffDelay(attempt, random = Math.random) {
  const base = BASE_DELAY_MS * 2 ** Math.min(attempt, 16);
  return Math.round(Math.min(MAX_DELAY_MS, base + base * JITTER * random()));
}

/** ws[s]://host/ws?proto=2[&since=SEQ] for the page's own origin. */
export function socketUrl(loc, since) {
  const scheme = loc.protocol === 'https:' ? 'wss:' : 'ws:';
  const tail = since == null ? '' : `&since=${encodeURIComponent(since)}`;
  return `${scheme}//${loc.host}/ws?proto=2${tail}`;
}

/**
 * Decides which messages to apply. A snapshot (FILE_LIST_UPDATED) always applies and sets the
 * position; a message with a seq at or below the position was seen already (a catch-up after a
 * reconnect may repeat it); an ACTIVITY message is the last one of its seq and moves the position.
 */
export function createSequencer(initial = null) {
  let lastSeq = initial;
  return {
    get lastSeq() {
      return lastSeq;
    },
    accept(msg) {
      if (msg.type === 'FILE_LIST_UPDATED') {
        if (typeof msg.seq === 'number') lastSeq = msg.seq;
        return true;
      }
      if (typeof msg.seq !== 'number') return true;
      if (lastSeq != null && msg.seq <= lastSeq) return false;
      if (msg.type === 'ACTIVITY') lastSeq = msg.seq;
      return true;
    },
  };
}

/**
 * One live connection that keeps itself open while the page is open.
 * States reported through onState: "connecting" (first attempt), "connected", "reconnecting"
 * (an attempt after a drop is in progress), "offline" (waiting for the next attempt).
 */
export class LiveConnection {
  constructor({ onMessage, onState, onSessionExpired, onFailedAttempt, location: loc = globalThis.location,
    WebSocketImpl = globalThis.WebSocket, random = Math.random }) {
    this.onMessage = onMessage;
    this.onState = onState || (() => {});
    this.onSessionExpired = onSessionExpired || (() => {});
    this.onFailedAttempt = onFailedAttempt || (() => {});
    this.loc = loc;
    this.WebSocketImpl = WebSocketImpl;
    this.random = random;
    this.sequencer = createSequencer();
    this.socket = null;
    this.timer = null;
    this.attempt = 0;
    this.stopped = true;
    this.everFailed = false;
    this.state = 'offline';
  }

  get lastSeq() {
    return this.sequencer.lastSeq;
  }

  start() {
    this.stopped = false;
    this.sequencer = createSequencer();
    this.attempt = 0;
    this.everFailed = false;
    this.open();
  }

  stop() {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000, 'bye');
    this.setState('offline');
  }

  /** Reconnect now (the browser came back online, or the user asked) unless already connected. */
  reconnectNow() {
    if (this.stopped || this.state === 'connected' || (this.socket && this.socket.readyState === 0)) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.open();
  }

  send(message) {
    if (!this.socket || this.socket.readyState !== 1) return false;
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    return true;
  }

  setState(state) {
    if (this.state === state) return;
    this.state = state;
    this.onState(state);
  }

  open() {
    const url = socketUrl(this.loc, this.sequencer.lastSeq);
    this.setState(this.everFailed || this.sequencer.lastSeq != null ? 'reconnecting' : 'connecting');
    let socket;
    try {
      socket = new this.WebSocketImpl(url);
    } catch (e) {
      this.scheduleReconnect(false);
      return;
    }
    this.socket = socket;
    let opened = false;
    socket.onopen = () => {
      if (this.socket !== socket) return;
      opened = true;
      this.attempt = 0;
      this.setState('connected');
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (!msg || typeof msg.type !== 'string') return;
      if (this.sequencer.accept(msg)) this.onMessage(msg);
    };
    socket.onclose = (event) => {
      if (this.socket !== socket) return;
      this.socket = null;
      if (this.stopped) return;
      if (event.code === CLOSE_SESSION) {
        this.stopped = true;
        this.setState('offline');
        this.onSessionExpired();
        return;
      }
      if (event.code === CLOSE_RESYNC) {
        this.open();
        return;
      }
      this.scheduleReconnect(opened);
    };
  }

  scheduleReconnect(wasOpen) {
    this.everFailed = true;
    const delay = backoffDelay(this.attempt, this.random);
    this.attempt++;
    this.setState('offline');
    this.onFailedAttempt({ wasOpen, delay });
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.open();
    }, delay);
  }
}

/** Message types that carry one changed file in payload.file. */
export const FILE_DELTAS = new Set(['FILE_ADDED', 'FILE_LOCKED', 'FILE_UNLOCKED', 'REVISION_ADDED', 'FILE_DELETED', 'FILE_RESTORED']);

/**
 * The file state after a message: { files, changed: [filenames], snapshot } or null when the
 * message does not touch files. A snapshot replaces everything; a delta replaces one file.
 */
export function applyToFiles(files, msg) {
  if (msg.type === 'FILE_LIST_UPDATED') {
    const next = filesFromGroups(msg.payload);
    const changed = [];
    for (const [name, file] of next) if (!sameFile(files.get(name), file)) changed.push(name);
    for (const name of files.keys()) if (!next.has(name)) changed.push(name);
    return { files: next, changed, snapshot: true };
  }
  if (FILE_DELTAS.has(msg.type)) {
    const file = msg.payload && msg.payload.file;
    if (!file || !file.filename) return null;
    if (msg.type === 'FILE_DELETED' && !file.deleted) return { files: withFile(files, { ...file, deleted: true }), changed: [file.filename], snapshot: false };
    return { files: withFile(files, file), changed: [file.filename], snapshot: false };
  }
  return null;
}
