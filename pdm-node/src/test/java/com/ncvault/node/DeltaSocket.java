package com.ncvault.node;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A proto-2 /ws client, like a browser that keeps {@code lastSeq}: it records every message and
 * the seq of every ACTIVITY (the last message of each seq) and lets a test wait for a seq.
 */
final class DeltaSocket {

  /** Held while the socket is open: Vert.x closes a client, and its sockets, once the client is garbage. */
  private final WebSocketClient client;
  private final WebSocket socket;
  private final List<JsonObject> messages = new ArrayList<>();
  private final List<Long> activitySeqs = new ArrayList<>();
  private final List<Waiting> waiting = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();

  private record Waiting(long seq, Promise<Void> reached) {
  }

  private DeltaSocket(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
  }

  /** Connects with {@code since} (none when negative) and the token as {@code ?token=}. */
  static Future<DeltaSocket> connect(Vertx vertx, int port, String token, long since) {
    String uri = "/ws?proto=2" + (since >= 0 ? "&since=" + since : "") + "&token=" + token;
    WebSocketClient client = vertx.createWebSocketClient();
    ClientWebSocket ws = client.webSocket();
    DeltaSocket socket = new DeltaSocket(client, ws);
    // handlers before the upgrade: a message in the same read as the 101 would otherwise be dropped
    ws.textMessageHandler(socket::onText);
    ws.closeHandler(v -> socket.closed.tryComplete(ws.closeStatusCode()));
    return ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri)).map(socket);
  }

  private void onText(String text) {
    JsonObject message = new JsonObject(text);
    List<Promise<Void>> reached = new ArrayList<>();
    synchronized (this) {
      messages.add(message);
      if ("ACTIVITY".equals(message.getString("type"))) {
        long seq = message.getLong("seq");
        activitySeqs.add(seq);
        waiting.removeIf(w -> {
          if (w.seq() <= seq) {
            reached.add(w.reached());
            return true;
          }
          return false;
        });
      }
    }
    reached.forEach(Promise::tryComplete);
  }

  /** Completes once an ACTIVITY with a seq of at least {@code seq} has arrived. */
  Future<Void> activity(long seq) {
    synchronized (this) {
      if (!activitySeqs.isEmpty() && activitySeqs.get(activitySeqs.size() - 1) >= seq) {
        return Future.succeededFuture();
      }
      Promise<Void> reached = Promise.promise();
      waiting.add(new Waiting(seq, reached));
      return reached.future();
    }
  }

  void awaitActivity(long seq, long seconds) throws Exception {
    activity(seq).await(seconds, TimeUnit.SECONDS);
  }

  synchronized List<Long> activitySeqs() {
    return List.copyOf(activitySeqs);
  }

  synchronized List<JsonObject> messages() {
    return List.copyOf(messages);
  }

  /** The seq of the last ACTIVITY received (what a browser reconnects with), or {@code orElse}. */
  synchronized long lastSeq(long orElse) {
    return activitySeqs.isEmpty() ? orElse : activitySeqs.get(activitySeqs.size() - 1);
  }

  Future<Short> closed() {
    return closed.future();
  }

  Future<Void> close() {
    return socket.close();
  }
}
