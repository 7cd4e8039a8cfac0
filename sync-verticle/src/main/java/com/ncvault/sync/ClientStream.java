package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.Roles;
import com.ncvault.contract.WsCloseCodes;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.List;

/**
 * What one client receives, and in which order, without the socket: the catch-up and ordering
 * state machine of a connection. It takes the node's events, snapshots and control messages and
 * writes frames to an {@link Outbox}; {@link ClientSession} adapts it to a real socket. Not
 * thread-safe: every call comes from the socket's event loop.
 *
 * <p>Delta clients (proto 2 and 3) start CATCHING_UP: live events are buffered while the history
 * after {@code since} is replayed (from the node's memory, else from storage page by page, paced by
 * the socket's drain so a slow link is never buffered without bound), or while a snapshot is
 * fetched. Then the buffered events are merged: those already sent are dropped, and a hole between
 * what was replayed and what is buffered is read from storage. A LIVE client that sees a hole does
 * the same. Snapshot clients (proto 1) get one FILE_LIST_UPDATED on connect and the node's
 * coalesced snapshots after it. Proto 2 writes an event's several frames, proto 3 its one frame.
 */
final class ClientStream {

  /** Where the frames go: the socket, or a test's recorder. */
  interface Outbox {
    /** True while the socket's send queue is full; {@link #onDrain} follows when it has room again. */
    boolean full();

    void send(Frame frame);

    /** The stream is over: close the socket with {@code code}. Called at most once. */
    void closeSocket(short code, String reason);
  }

  /** What the stream reads when the node's memory does not have it. */
  interface Sources {
    /** Up to {@code limit} events after {@code from}, oldest first. */
    Future<EventPage> eventsSince(long from, int limit);

    /** A file list at least as new as what the node has delivered. */
    Future<Snapshot> snapshot();
  }

  enum State { CATCHING_UP, LIVE, CLOSED }

  static final int REPLAY_PAGE = 500;
  /** Beyond this many missed events a fresh file list is cheaper than the replay. */
  static final int MAX_REPLAY = 5_000;
  /** Live events buffered during catch-up before the client is told to resync instead. */
  static final int MAX_PENDING = 20_000;
  /** Non-event messages held while a socket is full (a snapshot client's, or one catching up). */
  static final int MAX_QUEUED_CONTROL = 64;
  private static final Logger LOG = LoggerFactory.getLogger(ClientStream.class);

  private final String user;
  private final int proto;
  private final long since;
  private final long expiresAt;
  private final RecentEvents recent;
  private final Sources sources;
  private final Timers timers;
  private final Outbox outbox;
  /** Whether this client receives user administration; follows the account's role changes event by event. */
  private boolean admin;

  private State state = State.CATCHING_UP;
  private long lastSeq = -1;
  private final ArrayDeque<OutboundEvent> pending = new ArrayDeque<>();
  private final ArrayDeque<OutboundEvent> replay = new ArrayDeque<>();
  private final ArrayDeque<Frame> queuedControl = new ArrayDeque<>();
  private boolean replayMore;
  /** True once the history after {@code since} is known to exist (served from memory or storage). */
  private boolean historyChecked;
  private boolean fetchingPage;
  private boolean waitingSnapshot;
  private boolean waitingDrain;
  private Snapshot pendingSnapshot;
  private long expiryTimer = -1;

  /**
   * @param proto 1 (snapshots), 2 or 3 (deltas)
   * @param since the last seq the client has, -1 for none
   * @param expiresAt epoch millis (on {@code timers}' clock) when the session ends, 0 for never
   */
  ClientStream(String user, String role, int proto, long since, long expiresAt, RecentEvents recent,
               Sources sources, Timers timers, Outbox outbox) {
    this.user = user;
    this.admin = Roles.ADMIN.equals(role);
    this.proto = proto;
    this.since = since;
    this.expiresAt = expiresAt;
    this.recent = recent;
    this.sources = sources;
    this.timers = timers;
    this.outbox = outbox;
  }

  State state() {
    return state;
  }

  boolean isClosed() {
    return state == State.CLOSED;
  }

  /** The seq of the last event (or snapshot) written; -1 before any. */
  long lastSeq() {
    return lastSeq;
  }

  /** Starts the stream: a replay after {@code since}, or a file list. */
  void start() {
    if (state == State.CLOSED) {
      return;
    }
    if (expiresAt > 0) {
      long delay = expiresAt - timers.now();
      if (delay <= 0) {
        close(WsCloseCodes.SESSION_EXPIRED, "session expired");
        return;
      }
      expiryTimer = timers.schedule(delay, () -> {
        expiryTimer = -1;
        close(WsCloseCodes.SESSION_EXPIRED, "session expired");
      });
    }
    if (proto >= 2 && since >= 0) {
      lastSeq = since;
      replayMore = true;
      pump();
    } else {
      requestSnapshot();
    }
  }

  // ---- input from the node -----------------------------------------------------------------------

  void onEvents(List<OutboundEvent> events) {
    if (proto == 1 || state == State.CLOSED) {
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
      if (outbox.full()) {
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
    if (outbox.full()) {
      // The next drain sends the newest snapshot: an older one is never worth sending.
      keepNewest(snapshot);
      waitingDrain = true;
      return;
    }
    outbox.send(snapshot.frame());
    lastSeq = snapshot.seq();
  }

  /** A message outside the event stream (PRESENCE, NOTIFY, WATCHING, PONG, ERROR). */
  void sendControl(Frame frame) {
    if (state == State.CLOSED) {
      return;
    }
    if (!outbox.full()) {
      flushQueuedControl();
      if (!waitingDrain) {
        outbox.send(frame);
        return;
      }
    }
    if (proto != 1 && state == State.LIVE) {
      // a live delta client whose queue is full is behind on events too
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

  /** The socket has room again. */
  void onDrain() {
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

  /** Ends the stream and tells the outbox to close the socket (once). */
  void close(short code, String reason) {
    if (state == State.CLOSED) {
      return;
    }
    end();
    outbox.closeSocket(code, reason);
  }

  /** The socket is gone: the stream ends without a close of its own. */
  void end() {
    state = State.CLOSED;
    if (expiryTimer >= 0) {
      timers.cancel(expiryTimer);
      expiryTimer = -1;
    }
    pending.clear();
    replay.clear();
    queuedControl.clear();
    pendingSnapshot = null;
  }

  // ---- catch-up ----------------------------------------------------------------------------------

  private void requestSnapshot() {
    waitingSnapshot = true;
    sources.snapshot().onComplete(this::onRequestedSnapshot);
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
      outbox.send(snapshot.frame());
      lastSeq = snapshot.seq();
      state = State.LIVE;
      return;
    }
    outbox.send(snapshot.frame());
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
      if (outbox.full()) {
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
    sources.eventsSince(from, REPLAY_PAGE).onComplete(result -> {
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
        replay.add(OutboundEvent.encodeForOne(event));
      }
      pump();
    });
  }

  private void keepNewest(Snapshot snapshot) {
    if (pendingSnapshot == null || snapshot.seq() > pendingSnapshot.seq()) {
      pendingSnapshot = snapshot;
    }
  }

  private void flushQueuedControl() {
    while (!queuedControl.isEmpty()) {
      if (outbox.full()) {
        waitingDrain = true;
        return;
      }
      outbox.send(queuedControl.poll());
    }
  }

  private void write(OutboundEvent event) {
    // An event this client may not see still counts as passed: the client's stream skips its seq.
    if (admin || !event.adminOnly()) {
      if (proto == 3) {
        outbox.send(event.single());
      } else {
        for (Frame frame : event.frames()) {
          outbox.send(frame);
        }
      }
    }
    lastSeq = event.seq();
    OutboundEvent.RoleChange change = event.roleChange();
    if (change != null && change.username().equals(user)) {
      // the events after this one are for the account's new role
      admin = Roles.ADMIN.equals(change.role());
    }
  }
}
