package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.WsCloseCodes;
import io.netty.channel.ChannelHandlerContext;
import io.vertx.core.AsyncResult;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.http.WebSocketFrameType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One browser's socket. Runs entirely on the socket's event loop (its hub's): frames in, writes
 * out, catch-up replies from storage.
 *
 * <p>Delta clients (proto 2) start CATCHING_UP: live events are buffered while the history after
 * {@code since} is replayed from storage page by page (paced by the socket's drain, so a slow link
 * is never buffered without bound), or while a snapshot is fetched. Then the buffered events are
 * merged: those already sent are dropped, and a hole between what was replayed and what is
 * buffered is read from storage. A LIVE client that sees a hole does the same. Snapshot clients
 * (proto 1) get one FILE_LIST_UPDATED on connect and the node's coalesced snapshots after it.
 */
final class ClientSession {

  private enum State { CATCHING_UP, LIVE, CLOSED }

  static final int REPLAY_PAGE = 500;
  /** Beyond this many missed events a fresh file list is cheaper than the replay. */
  static final int MAX_REPLAY = 5_000;
  /** Live events buffered during catch-up before the client is told to resync instead. */
  private static final int MAX_PENDING = 20_000;
  /** Non-event messages held while a snapshot client's socket is full. */
  private static final int MAX_QUEUED_CONTROL = 64;
  /** WATCH / UNWATCH requests one socket may have at storage at once. */
  static final int MAX_WATCH_REQUESTS = 8;
  private static final Logger LOG = LoggerFactory.getLogger(ClientSession.class);

  private final ServerWebSocket socket;
  private final String user;
  /** Whether this socket receives user administration; follows the account's role changes event by event. */
  private boolean admin;
  private final int proto;
  private final long since;
  private final long expiresAt;
  private final Hub hub;
  private final SyncNode node;
  private final SyncSettings settings;
  private final StorageClient storage;
  private final RecentEvents recent;
  private final Vertx vertx;

  private State state = State.CATCHING_UP;
  private boolean detached;
  private long lastSeq = -1;
  private final ArrayDeque<OutboundEvent> pending = new ArrayDeque<>();
  private final ArrayDeque<OutboundEvent> replay = new ArrayDeque<>();
  private final ArrayDeque<String> queuedControl = new ArrayDeque<>();
  private boolean replayMore;
  /** True once the history after {@code since} is known to exist (served from memory or storage). */
  private boolean historyChecked;
  private boolean fetchingPage;
  private boolean waitingSnapshot;
  private boolean waitingDrain;
  private Snapshot pendingSnapshot;
  /** WATCH / UNWATCH requests of this socket that storage has not answered yet. */
  private int watchRequests;
  private boolean heard = true;
  private int silentTicks;
  private long rateWindowStart;
  private int rateCount;
  /** The text of a fragmented text message so far; null between messages and for binary ones. */
  private Buffer fragments;
  /** Bytes of the fragmented message being received, text or binary (-1 between messages). */
  private long fragmentedBytes = -1;
  private long expiryTimer = -1;

  ClientSession(ServerWebSocket socket, String user, String role, int proto, long since, long expiresAt, Hub hub,
                SyncNode node, SyncSettings settings, StorageClient storage, RecentEvents recent, Vertx vertx) {
    this.socket = socket;
    this.user = user;
    this.admin = Roles.ADMIN.equals(role);
    this.proto = proto;
    this.since = since;
    this.expiresAt = expiresAt;
    this.hub = hub;
    this.node = node;
    this.settings = settings;
    this.storage = storage;
    this.recent = recent;
    this.vertx = vertx;
  }

  String user() {
    return user;
  }

  int proto() {
    return proto;
  }


  /** Takes over the (paused) socket. */
  void start() {
    if (socket.isClosed()) {
      // The client went away between the upgrade and this takeover: nothing to serve, only its place to free.
      node.released(user);
      return;
    }
    socket.setWriteQueueMaxSize(settings.writeQueueBytes());
    // Every frame, control frames and continuations included (a pong is a sign of life like any other).
    socket.frameHandler(this::onFrame);
    // The gate calls this session from the channel's thread, which must be the session's own.
    ChannelHandlerContext channel = SocketClosing.channelOf(socket);
    if (channel == null || !channel.executor().inEventLoop()
      || !PingGate.install(channel.pipeline(), this::admitPing, socket::writePong)) {
      LOG.warn("No ping gate on a socket of {}: Vert.x answers its pings, outside the limits", user);
    }
    socket.drainHandler(v -> onDrain());
    socket.exceptionHandler(this::onException);
    socket.closeHandler(v -> detach());
    // The api's HTTP server shuts down gracefully: it waits until its sockets are closed.
    socket.shutdownHandler(v -> close(WsCloseCodes.GOING_AWAY, "server going away"));
    hub.add(this);
    node.joined(this);
    socket.resume();
    if (socket.isClosed()) {
      detach();
    }
    if (state == State.CLOSED) {
      return;
    }
    if (expiresAt > 0) {
      long delay = expiresAt - System.currentTimeMillis();
      if (delay <= 0) {
        close(WsCloseCodes.SESSION_EXPIRED, "session expired");
        return;
      }
      expiryTimer = vertx.setTimer(delay, id -> close(WsCloseCodes.SESSION_EXPIRED, "session expired"));
    }
    if (proto == 2 && since >= 0) {
      lastSeq = since;
      replayMore = true;
      pump();
    } else {
      requestSnapshot();
    }
  }

  // ---- events from the node -------------------------------------------------------------------

  void onEvents(List<OutboundEvent> events) {
    if (proto != 2 || state == State.CLOSED) {
      return;
    }
    if (state == State.CATCHING_UP) {
      pending.addAll(events);
      if (pending.size() > MAX_PENDING) {
        close(WsCloseCodes.RESYNC, "resync");
      }
      return;
    }
    for (int i = 0; i < events.size(); i++) {
      OutboundEvent event = events.get(i);
      if (event.seq() <= lastSeq) {
        continue;
      }
      if (event.seq() != lastSeq + 1) {
        // A hole (the node skipped events storage no longer has): read it like a reconnect would.
        state = State.CATCHING_UP;
        replayMore = true;
        pending.addAll(events.subList(i, events.size()));
        pump();
        return;
      }
      if (full()) {
        close(WsCloseCodes.RESYNC, "resync");
        return;
      }
      write(event);
    }
  }

  void onSnapshot(Snapshot snapshot) {
    if (proto != 1 || state == State.CLOSED) {
      return;
    }
    if (snapshot.seq() <= lastSeq) {
      return;
    }
    if (state != State.LIVE || waitingDrain) {
      keepNewest(snapshot);
      return;
    }
    if (full()) {
      // The next drain sends the newest snapshot: an older one is never worth sending.
      keepNewest(snapshot);
      waitingDrain = true;
      return;
    }
    socket.writeTextMessage(snapshot.frame());
    lastSeq = snapshot.seq();
  }

  private void keepNewest(Snapshot snapshot) {
    if (pendingSnapshot == null || snapshot.seq() > pendingSnapshot.seq()) {
      pendingSnapshot = snapshot;
    }
  }

  /** A message outside the event stream (PRESENCE, NOTIFY, WATCHING, PONG, ERROR). */
  void sendControl(String frame) {
    if (state == State.CLOSED) {
      return;
    }
    if (!full()) {
      flushQueuedControl();
      if (!waitingDrain) {
        socket.writeTextMessage(frame);
        return;
      }
    }
    if (proto == 2 && state == State.LIVE) {
      close(WsCloseCodes.RESYNC, "resync");
      return;
    }
    if (queuedControl.size() >= MAX_QUEUED_CONTROL) {
      close(WsCloseCodes.RESYNC, "resync");
      return;
    }
    queuedControl.add(frame);
    waitingDrain = true;
  }

  void pingTick() {
    if (state == State.CLOSED) {
      return;
    }
    if (heard) {
      heard = false;
      silentTicks = 0;
    } else if (++silentTicks >= 2) {
      close(WsCloseCodes.IDLE, "no pong");
      return;
    }
    if (!full()) {
      // beyond the queue's bound nothing more is written, a ping neither
      socket.writePing(Buffer.buffer());
    }
  }

  void close(short code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    if (socket.isClosed()) {
      // the peer went away first: nothing to tell it
      detach();
      return;
    }
    if (code == WsCloseCodes.RESYNC) {
      LOG.info("A socket of {} cannot keep up; closing it with {} {}", user, code, reason);
    } else {
      LOG.debug("Closing a socket of {} with {} {}", user, code, reason);
    }
    SocketClosing.close(vertx, socket, code, reason, settings.closeGraceMs());
    detach();
  }

  // ---- catch-up --------------------------------------------------------------------------------

  private void requestSnapshot() {
    waitingSnapshot = true;
    node.snapshotFor(hub, this::onRequestedSnapshot);
  }

  private void onRequestedSnapshot(AsyncResult<Snapshot> result) {
    waitingSnapshot = false;
    if (state == State.CLOSED) {
      return;
    }
    if (result.failed()) {
      LOG.warn("No file list for a socket of {}: {}", user, result.cause().getMessage());
      close(WsCloseCodes.SERVER_ERROR, "storage unavailable");
      return;
    }
    Snapshot snapshot = result.result();
    if (proto == 1) {
      if (pendingSnapshot != null && pendingSnapshot.seq() > snapshot.seq()) {
        snapshot = pendingSnapshot;
      }
      pendingSnapshot = null;
      socket.writeTextMessage(snapshot.frame());
      lastSeq = snapshot.seq();
      state = State.LIVE;
      return;
    }
    socket.writeTextMessage(snapshot.frame());
    lastSeq = snapshot.seq();
    replay.clear();
    replayMore = false;
    pump();
  }

  /** Sends replayed, then buffered events while the socket has room; ends LIVE when all is sent. */
  private void pump() {
    while (state == State.CATCHING_UP && !waitingDrain && !fetchingPage && !waitingSnapshot) {
      OutboundEvent next = replay.peek();
      boolean fromReplay = next != null;
      if (!fromReplay) {
        if (replayMore) {
          if (fillFromRecent()) {
            continue;
          }
          if (historyChecked && recent.newest() <= lastSeq) {
            // at the head of what the node delivered: whatever is newer arrives live
            replayMore = false;
            continue;
          }
          fetchPage();
          return;
        }
        while (!pending.isEmpty() && pending.peek().seq() <= lastSeq) {
          pending.poll();
        }
        next = pending.peek();
        if (next == null) {
          state = State.LIVE;
          return;
        }
        if (next.seq() != lastSeq + 1) {
          replayMore = true;
          continue;
        }
      } else if (next.seq() <= lastSeq) {
        replay.poll();
        continue;
      } else if (next.seq() != lastSeq + 1) {
        replay.clear();
        replayMore = true;
        continue;
      }
      if (full()) {
        waitingDrain = true;
        return;
      }
      (fromReplay ? replay : pending).poll();
      write(next);
    }
  }

  /** Takes the next events from the node's memory; false when it no longer has the next one. */
  private boolean fillFromRecent() {
    long next = lastSeq + 1;
    OutboundEvent event = recent.get(next);
    if (event == null) {
      return false;
    }
    while (event != null && replay.size() < REPLAY_PAGE) {
      replay.add(event);
      event = recent.get(++next);
    }
    historyChecked = true;
    return true;
  }

  private void fetchPage() {
    fetchingPage = true;
    long from = lastSeq;
    storage.eventsSince(from, REPLAY_PAGE).onComplete(result -> {
      fetchingPage = false;
      if (state == State.CLOSED) {
        return;
      }
      if (result.failed()) {
        LOG.warn("No catch-up for a socket of {}: {}", user, result.cause().getMessage());
        close(WsCloseCodes.SERVER_ERROR, "storage unavailable");
        return;
      }
      EventPage page = result.result();
      boolean tooLong = !historyChecked && page.latestSeq() - from > MAX_REPLAY;
      if (page.isBehind(from) || !page.continuesFrom(from) || tooLong) {
        // History after `from` is gone, too long, or storage was reset: start over from a snapshot.
        replayMore = false;
        requestSnapshot();
        return;
      }
      historyChecked = true;
      replayMore = page.events().size() >= REPLAY_PAGE;
      for (DomainEvent event : page.events()) {
        replay.add(OutboundEvent.encode(event));
      }
      pump();
    });
  }

  private void onDrain() {
    if (state == State.CLOSED) {
      return;
    }
    waitingDrain = false;
    flushQueuedControl();
    if (waitingDrain) {
      return;
    }
    if (proto == 1) {
      Snapshot snapshot = pendingSnapshot;
      if (state == State.LIVE && snapshot != null) {
        pendingSnapshot = null;
        onSnapshot(snapshot);
      }
      return;
    }
    pump();
  }

  private void flushQueuedControl() {
    while (!queuedControl.isEmpty()) {
      if (full()) {
        waitingDrain = true;
        return;
      }
      socket.writeTextMessage(queuedControl.poll());
    }
  }

  private void write(OutboundEvent event) {
    // An event this socket may not see still counts as passed: the client's stream skips its seq.
    if (admin || !event.adminOnly()) {
      for (String frame : event.frames()) {
        socket.writeTextMessage(frame);
      }
    }
    lastSeq = event.seq();
    OutboundEvent.RoleChange change = event.roleChange();
    if (change != null && change.username().equals(user)) {
      // the events after this one are for the account's new role
      admin = Roles.ADMIN.equals(change.role());
    }
  }

  private boolean full() {
    try {
      return socket.writeQueueFull();
    } catch (IllegalStateException closed) {
      return true;
    }
  }

  // ---- frames from the client -----------------------------------------------------------------

  private void onFrame(WebSocketFrame frame) {
    heard = true;
    if (state == State.CLOSED) {
      return;
    }
    // Each frame counts toward the rate, whatever its type: continuations and control frames too.
    if (!withinRate()) {
      return;
    }
    try {
      switch (frame.type()) {
        case TEXT, BINARY -> onFirstFrame(frame, frame.type() == WebSocketFrameType.BINARY);
        case CONTINUATION -> onContinuation(frame);
        case PING -> {
          // only without a ping gate: Vert.x has answered it already
          if (full()) {
            close(WsCloseCodes.RESYNC, "resync");
          }
        }
        default -> {
          // a pong is a sign of life (above); Vert.x answers a close
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("Frame from {} not handled", user, e);
      sendControl(Messages.error(new PdmError(ErrorCode.INTERNAL, "Internal error")));
    }
  }

  /**
   * A ping, taken off the pipeline by the {@link PingGate} before Vert.x could answer it. Counted like
   * every frame; answered only while the socket's queue has room.
   */
  private boolean admitPing() {
    heard = true;
    if (state == State.CLOSED || !withinRate()) {
      return false;
    }
    if (full()) {
      close(WsCloseCodes.RESYNC, "resync");
      return false;
    }
    return true;
  }

  private void onFirstFrame(WebSocketFrame frame, boolean binary) {
    fragments = null;
    fragmentedBytes = -1;
    if (frame.isFinal()) {
      onMessage(frame.binaryData(), binary);
      return;
    }
    Buffer data = frame.binaryData();
    if (tooBig(data.length())) {
      return;
    }
    fragmentedBytes = data.length();
    if (!binary) {
      fragments = Buffer.buffer().appendBuffer(data);
    }
  }

  /** The next part of a fragmented message: counted toward the size limit, text or binary. */
  private void onContinuation(WebSocketFrame frame) {
    if (fragmentedBytes < 0) {
      return;
    }
    Buffer data = frame.binaryData();
    fragmentedBytes += data.length();
    if (tooBig(fragmentedBytes)) {
      return;
    }
    if (fragments != null) {
      fragments.appendBuffer(data);
    }
    if (frame.isFinal()) {
      Buffer message = fragments;
      fragments = null;
      fragmentedBytes = -1;
      onMessage(message == null ? Buffer.buffer() : message, message == null);
    }
  }

  private void onMessage(Buffer data, boolean binary) {
    if (tooBig(data.length())) {
      return;
    }
    if (binary) {
      sendControl(Messages.error(new PdmError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Binary frames are not supported")));
      return;
    }
    ClientFrames.Inbound inbound = ClientFrames.parse(data.toString());
    if (inbound instanceof ClientFrames.Ping) {
      sendControl(Messages.PONG);
    } else if (inbound instanceof ClientFrames.Watch watch) {
      changeWatch(watch.filename(), true);
    } else if (inbound instanceof ClientFrames.Unwatch unwatch) {
      changeWatch(unwatch.filename(), false);
    } else if (inbound instanceof ClientFrames.Invalid invalid) {
      sendControl(Messages.error(invalid.error()));
    }
  }

  /**
   * The user's watch, kept by storage (it outlasts this socket); storage tells every page of the
   * user (WATCHING) once it is changed, this one included. A refusal is this socket's ERROR.
   */
  private void changeWatch(String filename, boolean watch) {
    if (watchRequests >= MAX_WATCH_REQUESTS) {
      sendControl(Messages.error(new PdmError(ErrorCode.TOO_MANY_REQUESTS,
        "At most " + MAX_WATCH_REQUESTS + " watch requests at once")));
      return;
    }
    watchRequests++;
    (watch ? storage.watch(user, filename) : storage.unwatch(user, filename))
      .onComplete(done -> {
        watchRequests--;
        if (done.failed()) {
          sendControl(Messages.error(PdmError.from(done.cause())));
        }
      });
  }

  private boolean tooBig(long length) {
    if (length > settings.maxFrameBytes()) {
      close(WsCloseCodes.TOO_BIG, "frame too big");
      return true;
    }
    return false;
  }

  private boolean withinRate() {
    long now = System.currentTimeMillis();
    if (now - rateWindowStart >= 1000) {
      rateWindowStart = now;
      rateCount = 0;
    }
    if (++rateCount > settings.rateLimitPerSecond()) {
      close(WsCloseCodes.POLICY, "rate limit");
      return false;
    }
    return true;
  }

  private void onException(Throwable error) {
    if (state == State.CLOSED) {
      return;
    }
    String message = String.valueOf(error.getMessage());
    if (message.contains("frame length") || message.contains("message size") || message.contains("too big")) {
      close(WsCloseCodes.TOO_BIG, "frame too big");
    } else {
      LOG.debug("Socket of {} failed: {}", user, message);
    }
  }

  private void detach() {
    if (detached) {
      return;
    }
    detached = true;
    state = State.CLOSED;
    if (expiryTimer >= 0) {
      vertx.cancelTimer(expiryTimer);
    }
    pending.clear();
    replay.clear();
    queuedControl.clear();
    hub.remove(this);
    node.left(this);
  }
}
