package com.ncvault.sync;

import com.ncvault.contract.WsCloseCodes;
import io.vertx.core.Context;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The sockets of one event loop. Sockets belong to the api-verticle's event loops; writing to a
 * socket from its own loop keeps writes cheap and makes {@code writeQueueFull()} report the
 * client's backlog rather than a hop between threads. The node posts each batch of events once per
 * hub; the hub writes it to its sockets and then flushes each socket once, so a burst of frames
 * leaves in one write call per socket. A batch posted while the hub's previous one still waits for
 * its loop joins it ({@link #post}): when events come faster than the loop serves them, each socket
 * gets them in one write call, not one per event, and an idle loop still serves each batch at once.
 * Everything here runs on the hub's event loop, except {@link #post} and {@link #run}.
 *
 * <p>Registration is O(1): a socket knows its place in the array, and one that leaves is replaced
 * by the last. Fan-out walks the array from the end, so a socket that leaves during it (the one
 * being served, closed for falling behind) moves only a socket already served.
 */
final class Hub {

  private static final ClientSession[] NONE = new ClientSession[0];
  /**
   * The sockets are pinged in this many slices, one slice per tick, each socket once per ping
   * interval: pinging every socket at once (and reading every pong) held up the changes sent in the
   * meantime (README, Performance: fan-out steps at 5,000 sockets with a p99 of 180-350 ms among
   * steps of 89-123 ms).
   */
  static final int PING_SLICES = 10;
  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

  private final Context context;
  private ClientSession[] clients = new ClientSession[16];
  private int size;
  /** The ping slice the next socket gets: the slices stay even as sockets come. */
  private int nextPingSlice;
  private final Map<String, List<ClientSession>> byUser = new HashMap<>();
  /** Sockets written to during the burst under way, to be flushed once at its end. */
  private final List<SocketWire> unflushed = new ArrayList<>();
  /** Bursts under way (one may start inside another: a socket closed during fan-out). */
  private int bursts;
  /** Guards {@link #open}: posted from the node's context, taken on the hub's loop. */
  private final Object posting = new Object();
  /** The events of the delivery posted and not started yet, which a later batch may join; else null. */
  private List<OutboundEvent> open;
  /** Deliveries run, and the events in them (the tests read them). */
  private long deliveries;
  private long deliveredEvents;

  Hub(Context context) {
    this.context = context;
  }

  /**
   * Runs {@code task} on this hub's event loop, after everything posted before it. A batch posted
   * later does not join a delivery posted earlier (it would overtake the task).
   */
  void run(Runnable task) {
    synchronized (posting) {
      open = null;
    }
    context.runOnContext(v -> task.run());
  }

  /**
   * Delivers {@code batch} on this hub's event loop, in the order of the calls; joins the delivery
   * posted before it if that one has not started and nothing was run since ({@link #run}).
   */
  void post(List<OutboundEvent> batch) {
    List<OutboundEvent> events;
    synchronized (posting) {
      if (open != null) {
        open.addAll(batch);
        return;
      }
      events = new ArrayList<>(batch);
      open = events;
    }
    context.runOnContext(v -> {
      synchronized (posting) {
        if (open == events) {
          open = null;
        }
      }
      deliver(events);
    });
  }

  void add(ClientSession client) {
    if (client.hubIndex >= 0) {
      return;
    }
    if (size == clients.length) {
      clients = Arrays.copyOf(clients, size * 2);
    }
    client.hubIndex = size;
    client.pingSlice = (byte) nextPingSlice;
    nextPingSlice = (nextPingSlice + 1) % PING_SLICES;
    clients[size++] = client;
    byUser.computeIfAbsent(client.user(), u -> new ArrayList<>(2)).add(client);
  }

  void remove(ClientSession client) {
    if (!contains(client)) {
      return;
    }
    int index = client.hubIndex;
    ClientSession last = clients[--size];
    clients[index] = last;
    last.hubIndex = index;
    clients[size] = null;
    client.hubIndex = -1;
    if (clients.length > 64 && size < clients.length / 4) {
      clients = Arrays.copyOf(clients, clients.length / 2);
    }
    // at most wsMaxSocketsPerUser entries
    List<ClientSession> same = byUser.get(client.user());
    if (same != null) {
      same.remove(client);
      if (same.isEmpty()) {
        byUser.remove(client.user());
      }
    }
  }

  int size() {
    return size;
  }

  boolean contains(ClientSession client) {
    int index = client.hubIndex;
    return index >= 0 && index < size && clients[index] == client;
  }

  /** Events in seq order, encoded once for the node. */
  void deliver(List<OutboundEvent> events) {
    deliveries++;
    deliveredEvents += events.size();
    forEachClient(client -> client.onEvents(events));
  }

  long deliveries() {
    return deliveries;
  }

  long deliveredEvents() {
    return deliveredEvents;
  }

  /** A fresh file list for the proto-1 sockets. */
  void snapshot(Snapshot snapshot) {
    forEachClient(client -> client.onSnapshot(snapshot));
  }

  /** Who is online, for every socket (those that have this frame already are skipped). */
  void presence(Frame frame) {
    forEachClient(client -> client.sendPresence(frame));
  }

  /** A message for every socket of one user (NOTIFY, WATCHING, INBOX). */
  void toUser(String user, Frame frame) {
    List<ClientSession> sockets = byUser.get(user);
    if (sockets == null) {
      return;
    }
    forEach(sockets.toArray(NONE), client -> client.sendControl(frame));
  }

  /** Closes every socket of one user (an account that was deleted). */
  void closeUser(String user, short code, String reason) {
    List<ClientSession> sockets = byUser.get(user);
    if (sockets == null) {
      return;
    }
    forEach(sockets.toArray(NONE), client -> client.close(code, reason));
  }

  void closeAll(short code, String reason) {
    forEach(Arrays.copyOf(clients, size), client -> client.close(code, reason));
  }

  /** Pings the sockets of one slice; closes those silent since their ping before last. */
  void pingTick(int slice) {
    forEachClient(client -> {
      if (client.pingSlice == slice) {
        client.pingTick();
      }
    });
  }

  /**
   * Takes {@code wire}'s flush while a burst is under way (it runs once, at the burst's end); false
   * outside a burst, where the caller flushes at once.
   */
  boolean flushAfterBurst(SocketWire wire) {
    if (bursts == 0) {
      return false;
    }
    unflushed.add(wire);
    return true;
  }

  /** Every registered socket once, without a copy (see the class comment). */
  private void forEachClient(Consumer<ClientSession> action) {
    burst(() -> {
      for (int i = size - 1; i >= 0; i--) {
        if (i < size) {
          serve(clients[i], action);
        }
      }
    });
  }

  private void forEach(ClientSession[] sockets, Consumer<ClientSession> action) {
    burst(() -> {
      for (ClientSession client : sockets) {
        serve(client, action);
      }
    });
  }

  /** Runs {@code writes} as one burst: the sockets they write to are flushed once, at its end. */
  void burst(Runnable writes) {
    bursts++;
    try {
      writes.run();
    } finally {
      endBurst();
    }
  }

  /** One flush per socket written to: each frame of the burst leaves in the socket's one write call. */
  private void endBurst() {
    if (--bursts > 0) {
      return;
    }
    for (int i = 0; i < unflushed.size(); i++) {
      unflushed.get(i).flush();
    }
    unflushed.clear();
  }

  /** A failure with one socket must not keep the others from their messages. */
  private static void serve(ClientSession client, Consumer<ClientSession> action) {
    try {
      action.accept(client);
    } catch (RuntimeException e) {
      LOG.warn("A socket of {} failed; closing it", client.user(), e);
      client.close(WsCloseCodes.SERVER_ERROR, "internal error");
    }
  }
}
