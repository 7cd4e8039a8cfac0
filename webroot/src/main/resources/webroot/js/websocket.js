// Live updates over /ws (protocol 3: one EVENT message per seq): connect, reconnect with backoff,
// apply messages in seq order.
// When the page's node stops answering, the reconnect attempts go round the other nodes of the cluster
// and the page comes home when its node answers /health again.
import { filesFromGroups, sameFile } from './filemodel.js';
import { withFile } from './state.js';

export const BASE_DELAY_MS = 1000;
export const MAX_DELAY_MS = 30000;
const JITTER = 0.25;
/** How often a page that is live through another node asks its own node whether it is back. */
export const HOME_PROBE_MS = 5000;
/** An attempt that has not opened by then is given up: a switched-off host may never refuse. */
export const CONNECT_TIMEOUT_MS = 10000;

/** The server's ping interval until the settings say otherwise (wsPingSeconds). */
export const HEARTBEAT_MS = 30000;

/** The protocol version the page speaks: one EVENT message per seq (docs/protocol.md). */
export const PROTO = 3;

export const CLOSE_RESYNC = 4000;
export const CLOSE_SESSION = 4001;

/** Delay before reconnect attempt `attempt` (0-based): 1, 2, 4, 8, 16 s... plus up to 25% jitter, at most 30 s. */
export function backoffDelay(attempt, random = Math.random) {
  const base = BASE_DELAY_MS * 2 ** Math.min(attempt, 16);
  return Math.round(Math.min(MAX_DELAY_MS, base + base * JITTER * random()));
}

/**
 * ws[s]://host/ws?proto=3[&since=SEQ][&token=T]. `base` is the page's own location (the session
 * cookie authenticates, no token) or another node's base URL such as "https://plant-c:8443/",
 * which needs the live token because the cookie does not travel to another origin.
 */
export function socketUrl(base, since, token = null) {
  const target = typeof base === 'string' ? new URL(base) : base;
  const scheme = target.protocol === 'https:' ? 'wss:' : 'ws:';
  const path = typeof base === 'string' ? target.pathname.replace(/\/+$/, '') : '';
  const sinceTail = since == null ? '' : `&since=${encodeURIComponent(since)}`;
  const tokenTail = token == null ? '' : `&token=${encodeURIComponent(token)}`;
  return `${scheme}//${target.host}${path}/ws?proto=${PROTO}${sinceTail}${tokenTail}`;
}

/**
 * The endpoints in reconnect order: the own origin first ({ url: null, via: null }), then each
 * usable peer base URL ({ url, via: 'host:port' }). Malformed URLs, non-HTTP schemes, repeats and
 * the own origin itself are left out.
 */
export function endpointsFor(loc, peerUrls) {
  const list = [{ url: null, via: null }];
  const seen = new Set([`${loc.protocol}//${loc.host}`]);
  for (const raw of Array.isArray(peerUrls) ? peerUrls : []) {
    let url;
    try {
      url = new URL(String(raw));
    } catch (e) {
      continue;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') continue;
    const key = `${url.protocol}//${url.host}`;
    if (seen.has(key)) continue;
    seen.add(key);
    list.push({ url: url.href, via: url.host });
  }
  return list;
}

/**
 * Decides which messages to apply. A snapshot (FILE_LIST_UPDATED) always applies and sets the
 * position; a message with a seq at or below the position was seen already (a catch-up after a
 * reconnect may repeat it); an ACTIVITY message (proto 2) is the last one of its seq and moves the
 * position, as does an EVENT (proto 3), which is the whole seq.
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
      if (msg.type === 'ACTIVITY' || msg.type === 'EVENT') lastSeq = msg.seq;
      return true;
    },
  };
}

/** Gives up a probe that hangs (a host that is off may never refuse), so the next one can run. */
function probeSignal(ms) {
  return typeof AbortSignal !== 'undefined' && AbortSignal.timeout ? AbortSignal.timeout(ms) : undefined;
}

/**
 * One live connection that keeps itself open while the page is open.
 * States reported through onState(state, { via }): "connecting" (first attempt), "connected",
 * "reconnecting" (an attempt after a drop is in progress), "offline" (waiting for the next attempt).
 * `via` is the host of the other node the socket goes to, null for the page's own node.
 *
 * failover (optional): { peerUrls: () => string[], liveToken: () => Promise<string|null> }.
 * With peers, the attempts after a drop go round own node, peer 1, peer 2, ... with the usual
 * backoff per attempt. A peer needs the live token; it is fetched at start (the own node may be
 * the one that dies), and again when a peer attempt finds none; without a token the peer
 * attempts fall back to the own node. While on a peer, the own node's /health is asked every
 * probeMs; when it answers 200 the page goes home with since=lastSeq.
 *
 * Heartbeat: the server's pings are answered by the browser unseen, so the page listens for itself.
 * After heartbeatMs without a frame it sends the text frame "ping" (the server answers PONG); after
 * twice that without one the connection counts as lost and a new one is opened at once
 * ("reconnecting"). goOffline() (the browser's offline event) closes the socket and waits for
 * reconnectNow() (its online event) instead of retrying into a network that is not there.
 */
export class LiveConnection {
  constructor({ onMessage, onState, onSessionExpired, onFailedAttempt, location: loc = globalThis.location,
    WebSocketImpl = globalThis.WebSocket, random = Math.random, failover = null,
    fetchImpl = (...args) => globalThis.fetch(...args), probeMs = HOME_PROBE_MS, heartbeatMs = HEARTBEAT_MS,
    now = () => Date.now() }) {
    this.onMessage = onMessage;
    this.onState = onState || (() => {});
    this.onSessionExpired = onSessionExpired || (() => {});
    this.onFailedAttempt = onFailedAttempt || (() => {});
    this.loc = loc;
    this.WebSocketImpl = WebSocketImpl;
    this.random = random;
    this.failover = failover;
    this.fetchImpl = fetchImpl;
    this.probeMs = probeMs;
    this.heartbeatMs = heartbeatMs;
    this.now = now;
    this.heartbeatTimer = null;
    this.lastHeard = 0;
    this.pinged = false;
    this.browserOffline = false;
    this.sequencer = createSequencer();
    this.socket = null;
    this.timer = null;
    this.probeTimer = null;
    this.attempt = 0;
    this.endpoint = 0;
    this.opening = 0;
    this.token = null;
    this.tokenRequest = null;
    this.stopped = true;
    this.everFailed = false;
    this.state = 'offline';
    this.via = null;
  }

  get lastSeq() {
    return this.sequencer.lastSeq;
  }

  start() {
    this.stopped = false;
    this.sequencer = createSequencer();
    this.attempt = 0;
    this.endpoint = 0;
    this.everFailed = false;
    // A new start may be a new login: the token of the previous one must not be used.
    this.token = null;
    this.tokenRequest = null;
    this.prefetchToken();
    this.open();
  }

  stop() {
    this.stopped = true;
    this.opening++;
    clearTimeout(this.timer);
    this.timer = null;
    this.stopProbe();
    this.stopHeartbeat();
    this.token = null;
    this.tokenRequest = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close(1000, 'bye');
    this.setState('offline', null);
  }

  /**
   * Fetches the live token now if there are peers and none is held. start() calls it; call it
   * again when the peer list arrives later: the token comes from the own node, so it has to be
   * in hand before that node dies.
   */
  prefetchToken() {
    if (this.stopped || this.token || this.endpoints().length < 2) return;
    this.liveToken();
  }

  /** Reconnect now, starting from the own node (the browser came back online, or the user asked), unless already connected. */
  reconnectNow() {
    this.browserOffline = false;
    if (this.stopped || this.state === 'connected' || (this.socket && this.socket.readyState === 0)) return;
    clearTimeout(this.timer);
    this.timer = null;
    this.endpoint = 0;
    this.open();
  }

  /** The server's ping interval from the settings: the heartbeat follows it from the next check on. */
  setHeartbeat(ms) {
    if (Number.isFinite(ms) && ms > 0) this.heartbeatMs = ms;
  }

  /**
   * The browser says it has no network: nothing can be reached, so the socket is closed now and
   * no attempt is made until reconnectNow() (the online event). The state turns "offline" at once.
   */
  goOffline() {
    if (this.stopped) return;
    this.browserOffline = true;
    this.opening++;
    clearTimeout(this.timer);
    this.timer = null;
    this.stopProbe();
    this.stopHeartbeat();
    const socket = this.socket;
    this.socket = null;
    if (socket) socket.close();
    this.everFailed = true;
    this.setState('offline', null);
  }

  send(message) {
    if (!this.socket || this.socket.readyState !== 1) return false;
    this.socket.send(typeof message === 'string' ? message : JSON.stringify(message));
    return true;
  }

  setState(state, via) {
    if (this.state === state && this.via === via) return;
    this.state = state;
    this.via = via;
    this.onState(state, { via });
  }

  endpoints() {
    return this.failover ? endpointsFor(this.loc, this.failover.peerUrls()) : endpointsFor(this.loc, []);
  }

  /** The held token, or the one being fetched; null when it cannot be had. */
  liveToken() {
    if (this.token) return Promise.resolve(this.token);
    if (!this.failover) return Promise.resolve(null);
    if (!this.tokenRequest) {
      const request = Promise.resolve()
        .then(() => this.failover.liveToken())
        .then((token) => (typeof token === 'string' && token ? token : null), () => null)
        .then((token) => {
          if (this.tokenRequest !== request) return null;
          this.tokenRequest = null;
          this.token = token;
          return token;
        });
      this.tokenRequest = request;
    }
    return this.tokenRequest;
  }

  open() {
    if (this.browserOffline) return;
    const endpoints = this.endpoints();
    if (this.endpoint >= endpoints.length) this.endpoint = 0;
    const endpoint = endpoints[this.endpoint];
    this.setState(this.everFailed || this.sequencer.lastSeq != null ? 'reconnecting' : 'connecting', endpoint.via);
    if (!endpoint.url) {
      this.connect(endpoint, null);
      return;
    }
    if (this.token) {
      this.connect(endpoint, this.token);
      return;
    }
    const opening = ++this.opening;
    this.liveToken().then((token) => {
      if (this.stopped || opening !== this.opening) return;
      if (token) {
        this.connect(endpoint, token);
        return;
      }
      // No token, no peer: this attempt goes to the own node, as it would without peers.
      this.endpoint = 0;
      this.setState(this.state, null);
      this.connect(endpoints[0], null);
    });
  }

  connect(endpoint, token) {
    this.opening++;
    const url = endpoint.url ? socketUrl(endpoint.url, this.sequencer.lastSeq, token) : socketUrl(this.loc, this.sequencer.lastSeq);
    let socket;
    try {
      socket = new this.WebSocketImpl(url);
    } catch (e) {
      this.scheduleReconnect(false);
      return;
    }
    this.socket = socket;
    let opened = false;
    const giveUp = setTimeout(() => {
      if (this.socket !== socket || opened) return;
      this.socket = null;
      socket.close();
      if (!this.stopped) this.scheduleReconnect(false);
    }, CONNECT_TIMEOUT_MS);
    socket.onopen = () => {
      clearTimeout(giveUp);
      if (this.socket !== socket) return;
      opened = true;
      this.attempt = 0;
      this.heard(socket);
      this.setState('connected', endpoint.via);
      if (endpoint.url) this.scheduleProbe(socket);
    };
    socket.onmessage = (event) => {
      if (this.socket !== socket) return;
      this.heard(socket);
      let msg;
      try {
        msg = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      if (!msg || typeof msg.type !== 'string') return;
      if (!this.sequencer.accept(msg)) return;
      if (msg.type === 'EVENT') expandEvent(msg).forEach((part) => this.onMessage(part));
      else this.onMessage(msg);
    };
    socket.onclose = (event) => {
      clearTimeout(giveUp);
      if (this.socket !== socket) return;
      this.socket = null;
      this.stopProbe();
      this.stopHeartbeat();
      if (this.stopped) return;
      if (event.code === CLOSE_SESSION) {
        this.stopped = true;
        this.setState('offline', null);
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

  /** Something arrived on `socket`: the silence starts again, and so does the heartbeat's wait. */
  heard(socket) {
    this.lastHeard = this.now();
    this.pinged = false;
    if (!this.heartbeatTimer) this.scheduleHeartbeat(socket, this.heartbeatMs);
  }

  /**
   * One timer per socket, set for when the silence reaches one interval (send "ping") or two (lost).
   * Frames that arrive meanwhile only move lastHeard; the timer looks at it when it fires.
   */
  scheduleHeartbeat(socket, delay) {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = setTimeout(() => {
      this.heartbeatTimer = null;
      this.checkHeartbeat(socket);
    }, Math.max(0, delay));
  }

  stopHeartbeat() {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = null;
  }

  checkHeartbeat(socket) {
    if (this.stopped || this.socket !== socket) return;
    const silence = this.now() - this.lastHeard;
    if (silence >= 2 * this.heartbeatMs) {
      // Lost without a close (a dead network, a frozen server): detach, close, and try again now.
      this.socket = null;
      this.stopProbe();
      socket.close();
      this.everFailed = true;
      this.onFailedAttempt({ wasOpen: true, delay: 0 });
      this.open();
      return;
    }
    if (silence >= this.heartbeatMs && !this.pinged) {
      this.pinged = true;
      this.send('ping');
    }
    this.scheduleHeartbeat(socket, this.lastHeard + (silence >= this.heartbeatMs ? 2 : 1) * this.heartbeatMs - this.now());
  }

  /** A drop of an open socket starts the round again at the own node; a failed attempt moves to the next endpoint. */
  scheduleReconnect(wasOpen) {
    this.everFailed = true;
    this.endpoint = wasOpen ? 0 : (this.endpoint + 1) % this.endpoints().length;
    const delay = backoffDelay(this.attempt, this.random);
    this.attempt++;
    this.setState('offline', null);
    this.onFailedAttempt({ wasOpen, delay });
    clearTimeout(this.timer);
    if (this.browserOffline) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (!this.stopped) this.open();
    }, delay);
  }

  scheduleProbe(socket) {
    this.stopProbe();
    this.probeTimer = setTimeout(() => {
      this.probeTimer = null;
      this.probeHome(socket);
    }, this.probeMs);
  }

  stopProbe() {
    clearTimeout(this.probeTimer);
    this.probeTimer = null;
  }

  /** Asks the own node's /health; on 200 leaves the peer and reconnects home with since=lastSeq. */
  probeHome(socket) {
    const stillOnPeer = () => !this.stopped && this.socket === socket && this.state === 'connected';
    Promise.resolve()
      .then(() => this.fetchImpl(`${this.loc.protocol}//${this.loc.host}/health`, { cache: 'no-store', signal: probeSignal(this.probeMs) }))
      .then((res) => Boolean(res) && res.status === 200, () => false)
      .then((home) => {
        if (!stillOnPeer()) return;
        if (!home) {
          this.scheduleProbe(socket);
          return;
        }
        // Detach first: whatever the peer still sends is ignored, the own node replays it from lastSeq.
        this.socket = null;
        this.stopHeartbeat();
        socket.close(1000, 'home');
        this.attempt = 0;
        this.endpoint = 0;
        this.open();
      });
  }
}

/**
 * The messages of one proto-3 EVENT in the shape and order proto 2 sends them: each delta of
 * payload.changes (payload.file, who, when, message, revision; an unlock adds reason and
 * formerHolder), then the ACTIVITY entry. The rest of the page handles only these.
 */
export function expandEvent(msg) {
  const p = msg.payload || {};
  const parts = [];
  for (const type of Array.isArray(p.changes) ? p.changes : []) {
    const payload = { file: p.file, user: p.user, timestamp: p.timestamp, message: p.message, revision: p.revision };
    if (type === 'FILE_UNLOCKED') {
      payload.reason = p.reason;
      if (p.formerHolder !== undefined) payload.formerHolder = p.formerHolder;
    }
    parts.push({ type, seq: msg.seq, payload });
  }
  parts.push({
    type: 'ACTIVITY',
    seq: msg.seq,
    payload: { seq: msg.seq, event_type: p.event_type, filename: p.filename, user: p.user, timestamp: p.timestamp,
      revision: p.revision, message: p.message },
  });
  return parts;
}

/** Message types that carry one changed file in payload.file. */
export const FILE_DELTAS = new Set(['FILE_ADDED', 'FILE_LOCKED', 'FILE_UNLOCKED', 'REVISION_ADDED', 'FILE_DELETED', 'FILE_RESTORED', 'FILE_STATE_CHANGED']);

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
