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
 * hub; the hub writes it to its sockets. Everything here runs on the hub's event loop.
 */
final class Hub {

  private static final ClientSession[] NONE = new ClientSession[0];
  private static final Logger LOG = LoggerFactory.getLogger(Hub.class);

  private final Context context;
  /** Copied on connect and close (rare) so that fan-out iterates without copying. */
  private ClientSession[] clients = NONE;
  private final Map<String, List<ClientSession>> byUser = new HashMap<>();

  Hub(Context context) {
    this.context = context;
  }

  /** Runs {@code task} on this hub's event loop. */
  void run(Runnable task) {
    context.runOnContext(v -> task.run());
  }

  void add(ClientSession client) {
    ClientSession[] grown = Arrays.copyOf(clients, clients.length + 1);
    grown[clients.length] = client;
    clients = grown;
    byUser.computeIfAbsent(client.user(), u -> new ArrayList<>(2)).add(client);
  }

  void remove(ClientSession client) {
    int index = -1;
    for (int i = 0; i < clients.length; i++) {
      if (clients[i] == client) {
        index = i;
        break;
      }
    }
    if (index < 0) {
      return;
    }
    ClientSession[] shrunk = new ClientSession[clients.length - 1];
    System.arraycopy(clients, 0, shrunk, 0, index);
    System.arraycopy(clients, index + 1, shrunk, index, clients.length - index - 1);
    clients = shrunk;
    List<ClientSession> same = byUser.get(client.user());
    if (same != null) {
      same.remove(client);
      if (same.isEmpty()) {
        byUser.remove(client.user());
      }
    }
  }

  int size() {
    return clients.length;
  }

  /** Events in seq order, encoded once for the node. */
  void deliver(List<OutboundEvent> events) {
    forEach(clients, client -> client.onEvents(events));
  }

  /** A fresh file list for the proto-1 sockets. */
  void snapshot(Snapshot snapshot) {
    forEach(clients, client -> client.onSnapshot(snapshot));
  }

  /** A message for every socket (PRESENCE). */
  void broadcast(String frame) {
    forEach(clients, client -> client.sendControl(frame));
  }

  /** A message for every socket of one user (NOTIFY, WATCHING, INBOX). */
  void toUser(String user, String frame) {
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
    forEach(clients, client -> client.close(code, reason));
  }

  /** Pings every socket; closes those silent since two ticks ago. */
  void pingTick() {
    forEach(clients, ClientSession::pingTick);
  }

  /** A failure with one socket must not keep the others from their messages. */
  private static void forEach(ClientSession[] sockets, Consumer<ClientSession> action) {
    for (ClientSession client : sockets) {
      try {
        action.accept(client);
      } catch (RuntimeException e) {
        LOG.warn("A socket of {} failed; closing it", client.user(), e);
        client.close(WsCloseCodes.SERVER_ERROR, "internal error");
      }
    }
  }
}
