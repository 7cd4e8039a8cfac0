package com.ncvault.sync;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.NodePresence;
import com.ncvault.contract.Notification;
import com.ncvault.contract.SessionEnds;
import com.ncvault.contract.SocketHandoff;
import com.ncvault.contract.UserUpdate;
import com.ncvault.contract.WsMessageTypes;
import com.ncvault.contract.WsCloseCodes;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The node-wide half of sync, on the sync-verticle's context: one sequencer for the domain events,
 * one shared snapshot, presence, and the hubs (one per event loop that owns sockets). Each event is
 * encoded once here and posted once per hub.
 */
final class SyncNode {

  private static final Logger LOG = LoggerFactory.getLogger(SyncNode.class);
  /** Encoded events kept for catch-up from memory (about 2 MB for typical events). */
  static final int RECENT_EVENTS = 2048;
  /**
   * How often the latest committed seq is compared with the last delivered one. Catches events
   * whose publish never reached this node and that no later event revealed, as across a network
   * partition: browsers are never staler than this (plus the gap wait) while the database answers.
   */
  static final long CATCH_UP_CHECK_MS = 2_000;

  private final Vertx vertx;
  private final Context context;
  private final SyncSettings settings;
  private final StorageClient storage;
  private final Timers timers;
  /** Ping ticks so far: the next tick pings the hubs' slice {@code pingTicks % Hub.PING_SLICES}. */
  private long pingTicks;
  private final Map<Thread, Hub> hubs = new ConcurrentHashMap<>();
  private final RecentEvents recent = new RecentEvents(RECENT_EVENTS);
  private final EventSequencer sequencer;
  private final SnapshotService snapshots;
  private final SnapshotCoalescer coalescer;
  private final PresenceTracker presence;
  /** Notices that arrived before the event they tell of was delivered here. */
  private final java.util.ArrayDeque<Notification> heldNotices = new java.util.ArrayDeque<>();
  private static final int MAX_HELD_NOTICES = 10_000;
  private final Map<String, Integer> localUsers = new HashMap<>();
  /** Sockets per user taken over and not yet gone (counted from the takeover, before they join). */
  private final Map<String, Integer> admitted = new HashMap<>();
  private int connections;
  private int snapshotClients;
  private boolean presenceDirty;
  private long presencePushTimer = -1;
  /** When the pending push runs (while {@code presencePushTimer} is set). */
  private long presencePushAt;
  private long lastPresencePush = Long.MIN_VALUE / 2;
  /**
   * The PRESENCE frame a new socket gets: the current view, except that connection counts changed
   * since it was made are left for the next push (a connect storm would re-encode it per socket).
   * Null until asked for after a change of who is online. Written on this context only; a socket
   * that joins reads it on its own loop ({@link #presenceForNewSocket}).
   */
  private volatile Frame presenceFrame;
  private boolean presenceCountsStale;
  /**
   * Connection counts of this node's users changed since the presence tracker last saw them, while
   * who is online here did not: the tracker learns them when a push or publish is due, not once
   * per socket (a connect storm would rebuild the merged view 20,000 times).
   */
  private boolean localCountsStale;
  private final List<Long> periodic = new ArrayList<>();
  private boolean stopping;
  private boolean checkingLatest;

  SyncNode(Vertx vertx, Context context, SyncSettings settings, StorageClient storage) {
    this.vertx = vertx;
    this.context = context;
    this.settings = settings;
    this.storage = storage;
    this.timers = Timers.of(vertx);
    this.sequencer = new EventSequencer(settings.gapWaitMs(), storage::eventsSince, timers, this::deliver);
    this.snapshots = new SnapshotService(storage::fileList);
    this.coalescer = new SnapshotCoalescer(settings.snapshotCoalesceMs(), timers, snapshots::atLeast,
      sequencer::lastDelivered, this::broadcastSnapshot);
    this.presence = new PresenceTracker(settings.nodeName());
  }

  /** Anchors the event stream at the latest seq in storage and starts the presence heartbeat. */
  Future<Void> start() {
    return storage.latestSeq().map(latest -> {
      sequencer.start(latest);
      releaseNotices(sequencer.lastDelivered());
      // each socket is pinged every pingSeconds, a slice of them at each tick (see Hub#pingTick)
      long tickMs = Math.max(1, settings.pingSeconds() * 1000L / Hub.PING_SLICES);
      periodic.add(vertx.setPeriodic(tickMs, id -> {
        int slice = (int) (pingTicks++ % Hub.PING_SLICES);
        hubs.values().forEach(hub -> hub.run(() -> hub.pingTick(slice)));
      }));
      periodic.add(vertx.setPeriodic(SyncSettings.PRESENCE_HEARTBEAT_MS, id -> publishPresence()));
      periodic.add(vertx.setPeriodic(CATCH_UP_CHECK_MS, id -> checkLatest()));
      periodic.add(vertx.setPeriodic(SyncSettings.PRESENCE_TTL_MS / 6,
        id -> presenceChanged(presence.expire(timers.now()))));
      publishPresence();
      LOG.info("Sync of {} delivers events after seq {}", settings.nodeName(), latest);
      return null;
    });
  }

  private void checkLatest() {
    if (checkingLatest || stopping) {
      return;
    }
    checkingLatest = true;
    storage.latestSeq()
      .onSuccess(sequencer::catchUp)
      .onFailure(e -> LOG.debug("Could not read the latest seq: {}", e.getMessage()))
      .onComplete(done -> checkingLatest = false);
  }

  // ---- bus input (sync context) ----------------------------------------------------------------

  void onDomainEvent(JsonObject body) {
    DomainEvent event;
    try {
      event = body.mapTo(DomainEvent.class);
    } catch (RuntimeException e) {
      LOG.warn("Ignoring a domain event that cannot be read: {}", e.getMessage());
      return;
    }
    sequencer.offer(event);
  }

  void onNotify(JsonObject body) {
    Notification notification;
    try {
      notification = body.mapTo(Notification.class);
    } catch (RuntimeException e) {
      LOG.warn("Ignoring a notification that cannot be read: {}", e.getMessage());
      return;
    }
    if (notification.to() == null) {
      return;
    }
    if (notification.seq() != null && notification.seq() > sequencer.lastDelivered()) {
      // It tells of an event not delivered yet here: it follows that event to the sockets.
      heldNotices.add(notification);
      if (heldNotices.size() > MAX_HELD_NOTICES) {
        toUser(heldNotices.poll());
      }
      return;
    }
    toUser(notification);
  }

  /** A change of one user's own state (WATCHING, INBOX) for that user's sockets. */
  void onUserUpdate(JsonObject body) {
    UserUpdate update = UserUpdate.fromJson(body);
    if (update == null || !(WsMessageTypes.WATCHING.equals(update.type()) || WsMessageTypes.INBOX.equals(update.type()))) {
      LOG.warn("Ignoring a user update that cannot be read");
      return;
    }
    Frame frame = Frame.shared(Messages.envelope(update.type(), null, update.payload()).encode());
    for (Hub hub : hubs.values()) {
      hub.run(() -> hub.toUser(update.to(), frame));
    }
  }

  private void toUser(Notification notification) {
    Frame frame = Frame.shared(Messages.notify(notification));
    for (Hub hub : hubs.values()) {
      hub.run(() -> hub.toUser(notification.to(), frame));
    }
  }

  /** The held notices whose events are delivered now, in the order they came. */
  private void releaseNotices(long delivered) {
    heldNotices.removeIf(n -> {
      if (n.seq() <= delivered) {
        toUser(n);
        return true;
      }
      return false;
    });
  }

  void onPresence(JsonObject body) {
    NodePresence update;
    try {
      update = body.mapTo(NodePresence.class);
    } catch (RuntimeException e) {
      LOG.warn("Ignoring a presence update that cannot be read: {}", e.getMessage());
      return;
    }
    presenceChanged(presence.updateRemote(update, timers.now()));
  }

  /** Takes over a socket handed over by the api; runs the socket on its own event loop. */
  void accept(SocketHandoff handoff) {
    if (handoff == null || handoff.socket() == null) {
      return;
    }
    if (stopping) {
      handoff.socket().close(WsCloseCodes.GOING_AWAY, "server going away");
      return;
    }
    if (handoff.user() == null || handoff.user().isBlank()) {
      handoff.socket().close(WsCloseCodes.POLICY, "no user");
      return;
    }
    if (admitted.getOrDefault(handoff.user(), 0) >= settings.maxSocketsPerUser()) {
      // The new socket is refused, not the oldest closed: the open pages of the user keep their live updates.
      LOG.debug("{} already has {} sockets open; refusing another", handoff.user(), settings.maxSocketsPerUser());
      SocketClosing.close(vertx, handoff.socket(), WsCloseCodes.TOO_MANY_SOCKETS, "too many connections",
        settings.closeGraceMs());
      return;
    }
    admitted.merge(handoff.user(), 1, Integer::sum);
    Context socketContext = handoff.context() != null ? handoff.context() : context;
    socketContext.runOnContext(v -> {
      Hub hub = hubs.computeIfAbsent(Thread.currentThread(), thread -> new Hub(socketContext));
      int proto = handoff.proto() == 2 || handoff.proto() == 3 ? handoff.proto() : 1;
      new ClientSession(handoff.socket(), handoff.user(), handoff.role(), proto, handoff.since(), handoff.expiresAt(), hub, this,
        settings, storage, recent, vertx).start();
    });
  }

  JsonObject status() {
    return new JsonObject()
      .put("node", settings.nodeName())
      .put("connections", connections)
      .put("users", localUsers.size());
  }

  // ---- calls from hubs (any thread) ------------------------------------------------------------

  /**
   * The PRESENCE frame a socket joining now is sent with its first frames, in their write (any
   * thread): the one a socket joining here would be sent, or null while who is online has changed
   * and no frame has been made since.
   */
  Frame presenceForNewSocket() {
    return presenceFrame;
  }

  /**
   * A socket joined; it was sent {@code sent} (null: none) with its first frames. When who is
   * online changed since that frame was made, or none was current, it is sent the frame of now.
   */
  void joined(ClientSession client, Frame sent) {
    context.runOnContext(v -> {
      connections++;
      boolean cameOnline = localUsers.merge(client.user(), 1, Integer::sum) == 1;
      if (client.proto() == 1) {
        snapshotClients++;
      }
      localPresenceChanged(cameOnline);
      // The new socket learns who is online at once; connection counts may follow with the next push.
      Frame frame = presenceFrame();
      if (frame != sent) {
        client.hub().run(() -> client.sendPresence(frame));
      }
    });
  }

  void left(ClientSession client) {
    context.runOnContext(v -> {
      release(client.user());
      connections--;
      Integer remaining = localUsers.computeIfPresent(client.user(), (user, count) -> count > 1 ? count - 1 : null);
      if (client.proto() == 1) {
        snapshotClients--;
      }
      localPresenceChanged(remaining == null);
    });
  }

  /** A socket taken over that was gone before it joined. */
  void released(String user) {
    context.runOnContext(v -> release(user));
  }

  private void release(String user) {
    admitted.computeIfPresent(user, (u, count) -> count > 1 ? count - 1 : null);
  }

  /**
   * A file-list snapshot at least as new as what the node has delivered; answered on the hub. Called
   * on the hub's loop by a session already in the hub: a delivery the session missed ran on this loop
   * before, so the seq read here covers it, and every later delivery reaches the session. A cached
   * snapshot that new is answered at once, without a trip to the sync-verticle's context and back.
   */
  void snapshotFor(Hub hub, Handler<AsyncResult<Snapshot>> handler) {
    Snapshot ready = snapshots.cachedAtLeast(sequencer.lastDelivered());
    if (ready != null) {
      handler.handle(Future.succeededFuture(ready));
      return;
    }
    context.runOnContext(v -> snapshots.atLeast(sequencer.lastDelivered())
      .onComplete(result -> hub.run(() -> handler.handle(result))));
  }

  // ---- fan-out (sync context) ------------------------------------------------------------------

  private void deliver(List<DomainEvent> events) {
    List<OutboundEvent> encoded = new ArrayList<>(events.size());
    boolean filesChanged = false;
    for (DomainEvent event : events) {
      OutboundEvent outbound = OutboundEvent.encode(event);
      recent.add(outbound);
      encoded.add(outbound);
      filesChanged |= outbound.changesFiles();
    }
    List<OutboundEvent> batch = List.copyOf(encoded);
    for (Hub hub : hubs.values()) {
      hub.post(batch);
    }
    if (!events.isEmpty() && !heldNotices.isEmpty()) {
      releaseNotices(events.get(events.size() - 1).seq());
    }
    for (DomainEvent event : events) {
      String ended = SessionEnds.reason(event.type(), event.details());
      if (ended != null) {
        // Otherwise the account's open sockets would go on receiving the vault's changes.
        String username = SessionEnds.username(event.details());
        for (Hub hub : hubs.values()) {
          hub.run(() -> hub.closeUser(username, WsCloseCodes.SESSION_EXPIRED, ended));
        }
      }
    }
    if (filesChanged && snapshotClients > 0) {
      coalescer.changed();
    }
  }

  private void broadcastSnapshot(Snapshot snapshot) {
    for (Hub hub : hubs.values()) {
      hub.run(() -> hub.snapshot(snapshot));
    }
  }

  /** {@code whoChanged}: a user came online here or went offline here, not only a count. */
  private void localPresenceChanged(boolean whoChanged) {
    if (!whoChanged) {
      localCountsStale = true;
      presenceDirty = true;
      presenceChanged(PresenceTracker.Change.COUNTS);
      return;
    }
    PresenceTracker.Change change = refreshLocal();
    if (change != PresenceTracker.Change.NONE) {
      presenceDirty = true;
    }
    presenceChanged(change);
  }

  private PresenceTracker.Change refreshLocal() {
    localCountsStale = false;
    return presence.updateLocal(localUsers);
  }

  /**
   * Before a push or publish: the counts the tracker has not seen yet go in, and the PRESENCE frame
   * is made again, since a socket that joined meanwhile may have had one made from the older counts.
   */
  private void applyStaleCounts() {
    if (localCountsStale) {
      refreshLocal();
      presenceCountsStale = true;
    }
  }

  /**
   * At most one PRESENCE push (and one cluster publish of the local users) per window: a user coming
   * online or going offline is told within {@link SyncSettings#PRESENCE_PUSH_MS}, a change of
   * connection counts alone within {@link SyncSettings#PRESENCE_COUNTS_PUSH_MS}. During a connect
   * storm each push is a frame to every socket, and nearly every change is one of counts.
   */
  private void presenceChanged(PresenceTracker.Change change) {
    if (change == PresenceTracker.Change.NONE) {
      return;
    }
    if (change == PresenceTracker.Change.MEMBERS) {
      presenceFrame = null;
    } else {
      presenceCountsStale = true;
    }
    if (stopping) {
      return;
    }
    long window = change == PresenceTracker.Change.MEMBERS
      ? SyncSettings.PRESENCE_PUSH_MS : SyncSettings.PRESENCE_COUNTS_PUSH_MS;
    long now = timers.now();
    long at = Math.max(now, lastPresencePush + window);
    if (presencePushTimer >= 0) {
      if (presencePushAt <= at) {
        return;
      }
      timers.cancel(presencePushTimer);
      presencePushTimer = -1;
    }
    if (at <= now) {
      pushPresence();
      return;
    }
    presencePushAt = at;
    presencePushTimer = timers.schedule(at - now, () -> {
      presencePushTimer = -1;
      pushPresence();
    });
  }

  private Frame presenceFrame() {
    if (presenceFrame == null) {
      presenceFrame = Frame.shared(Messages.presence(presence.view()));
      presenceCountsStale = false;
    }
    return presenceFrame;
  }

  private void pushPresence() {
    lastPresencePush = timers.now();
    applyStaleCounts();
    if (presenceDirty) {
      presenceDirty = false;
      publishPresence();
    }
    if (presenceCountsStale) {
      presenceFrame = null;
    }
    Frame frame = presenceFrame();
    for (Hub hub : hubs.values()) {
      hub.run(() -> hub.presence(frame));
    }
  }

  private void publishPresence() {
    applyStaleCounts();
    NodePresence mine = new NodePresence(settings.nodeName(), presence.localUsers(), SyncSettings.PRESENCE_TTL_MS);
    vertx.eventBus().publish(Addresses.PRESENCE, JsonObject.mapFrom(mine));
  }

  // ---- stop ------------------------------------------------------------------------------------

  /** Closes every socket with 1001 and tells the other nodes this node's users are gone. */
  Future<Void> stop() {
    stopping = true;
    sequencer.stop();
    coalescer.stop();
    periodic.forEach(vertx::cancelTimer);
    if (presencePushTimer >= 0) {
      timers.cancel(presencePushTimer);
    }
    vertx.eventBus().publish(Addresses.PRESENCE,
      JsonObject.mapFrom(new NodePresence(settings.nodeName(), List.of(), SyncSettings.PRESENCE_TTL_MS)));
    List<Future<Void>> closed = new ArrayList<>();
    for (Hub hub : hubs.values()) {
      Promise<Void> done = Promise.promise();
      hub.run(() -> {
        hub.closeAll(WsCloseCodes.GOING_AWAY, "server going away");
        done.complete();
      });
      closed.add(done.future());
    }
    return Future.all(closed).<Void>mapEmpty()
      .timeout(2, TimeUnit.SECONDS)
      .recover(e -> Future.succeededFuture());
  }
}
