package com.ncvault.node;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/**
 * A browser's live connection (/ws, proto 2, token auth) as a test sees it: every message kept
 * in arrival order, the seqs of its ACTIVITY messages, and whether the server closed it.
 */
final class LiveClient {

  private final Vertx vertx;
  /** Held while the socket is open: Vert.x closes a client, and its sockets, once the client is garbage. */
  private final WebSocketClient client;
  private final WebSocket socket;
  private final List<JsonObject> messages = new CopyOnWriteArrayList<>();
  private final Promise<Void> closed = Promise.promise();

  private LiveClient(Vertx vertx, WebSocketClient client, WebSocket socket) {
    this.vertx = vertx;
    this.client = client;
    this.socket = socket;
    // handlers before the upgrade: a message in the same read as the 101 would otherwise be dropped
    socket.textMessageHandler(text -> messages.add(new JsonObject(text)));
    socket.closeHandler(v -> closed.tryComplete());
    socket.exceptionHandler(e -> closed.tryComplete());
  }

  /** Connects to the node on {@code port}; {@code since} < 0 means a first load (a snapshot). */
  static Future<LiveClient> connect(Vertx vertx, int port, String token, long since) {
    String uri = "/ws?proto=2&token=" + token + (since >= 0 ? "&since=" + since : "");
    WebSocketClient client = vertx.createWebSocketClient();
    ClientWebSocket socket = client.webSocket();
    LiveClient live = new LiveClient(vertx, client, socket);
    return socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)).map(live);
  }

  List<JsonObject> messages() {
    return List.copyOf(messages);
  }

  /** The seq of every ACTIVITY received, in order (one per domain event). */
  List<Long> activitySeqs() {
    return messages.stream().filter(m -> "ACTIVITY".equals(m.getString("type"))).map(m -> m.getLong("seq")).toList();
  }

  /** What a browser keeps as lastSeq: the seq of the last ACTIVITY or snapshot. */
  long lastSeq() {
    long last = -1;
    for (JsonObject m : messages) {
      if (("ACTIVITY".equals(m.getString("type")) || "FILE_LIST_UPDATED".equals(m.getString("type")))
        && m.getValue("seq") != null) {
        last = m.getLong("seq");
      }
    }
    return last;
  }

  /** The first message matching, once it has arrived (looked for every 20 ms, for up to {@code timeoutMs}). */
  Future<JsonObject> next(Predicate<JsonObject> wanted, long timeoutMs) {
    Promise<JsonObject> found = Promise.promise();
    look(wanted, System.currentTimeMillis() + timeoutMs, timeoutMs, found);
    return found.future();
  }

  private void look(Predicate<JsonObject> wanted, long deadline, long timeoutMs, Promise<JsonObject> found) {
    JsonObject match = messages.stream().filter(wanted).findFirst().orElse(null);
    if (match != null) {
      found.tryComplete(match);
    } else if (System.currentTimeMillis() > deadline) {
      found.tryFail(new AssertionError("no such message within " + timeoutMs + " ms; received " + messages));
    } else {
      vertx.setTimer(20, id -> look(wanted, deadline, timeoutMs, found));
    }
  }

  /** Completes once ACTIVITY of {@code seq} has arrived. */
  Future<JsonObject> activity(long seq, long timeoutMs) {
    return next(m -> "ACTIVITY".equals(m.getString("type")) && m.getLong("seq") == seq, timeoutMs);
  }

  static Predicate<JsonObject> type(String type) {
    return m -> type.equals(m.getString("type"));
  }

  /** Completes when the server closed the connection or it broke. */
  Future<Void> closed() {
    return closed.future();
  }

  Future<Void> close() {
    return socket.close();
  }
}
