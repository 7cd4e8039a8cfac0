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
 * leaves in one write call per socket. Everything here runs on the hub's event loop.
 *
 * <p>Registration is O(1): a socket knows its place in the array, and one that leaves is replaced
 * by the last. Fan-out walks the array from the end, so a socket that leaves during it (the one
 * being served, closed for falling behind) moves only a socket already served.
 */
final class Hub {

  private static final ClientSession[] NONE = new ClientSession[0];
  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

  private final Context context;
  private ClientSession[] clients = new ClientSession[16];
  private int size;
  private final Map<String, List<ClientSession>> byUser = new HashMap<>();
  /** Sockets written to during the burst under way, to be flushed once at its end. */
  private final List<SocketWire> unflushed = new ArrayList<>();
  /** Bursts under way (one may start inside another: a socket closed during fan-out). */
  private int bursts;

  Hub(Context context) {
    this.context = context;
  }

  /** Runs {@code task} on this hub's event loop. */
  void run(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  void add(ClientSession client) {
    if (client.hubIndex >= 0) {
      return;
    }
    if (size == clients.length) {
      clients = Arrays.copyOf(clients, size * 2);
    }
    client.hubIndex = size;
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
    forEachClient(client -> client.onEvents(events));
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

  /** Pings every socket; closes those silent since two ticks ago. */
  void pingTick() {
    forEachClient(ClientSession::pingTick);
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
