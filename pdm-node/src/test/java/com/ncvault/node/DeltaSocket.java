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
 * the seq of every ACTIVITY (the last message of each seq) and lets a test wait for a seq. One made
 * by {@link #connectKeepingNothing} reads as fast but keeps only the last seq: for tests that measure
 * the memory of a node running in their own JVM, where what a client keeps would count as the node's.
 */
final class DeltaSocket {

  /** Held while the socket is open: Vert.x closes a client, and its sockets, once the client is garbage. */
  private final WebSocketClient client;
  private final WebSocket socket;
  private final boolean keeps;
  private long lastActivity = -1;
  private final List<JsonObject> messages = new ArrayList<>();
  private final List<Long> activitySeqs = new ArrayList<>();
  private final List<Waiting> waiting = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();
  /** Completes with the first FILE_LIST_UPDATED: from then on every change reaches the socket as an event. */
  private final Promise<Void> listed = Promise.promise();

  private record Waiting(long seq, Promise<Void> reached) {
  }

  private DeltaSocket(WebSocketClient client, WebSocket socket, boolean keeps) {
    this.client = client;
    this.socket = socket;
    this.keeps = keeps;
  }

  /**
   * Connects with {@code since} (none when negative) and the token as {@code ?token=}. Without
   * {@code since} the node starts the socket with the file list, which covers every change made before
   * it: the connection completes once that list has arrived, so that a change the test makes next
   * reaches the socket as an event rather than inside the list.
   */
  static Future<DeltaSocket> connect(Vertx vertx, int port, String token, long since) {
    return connect(vertx, port, token, since, true);
  }

  /** A first load, as {@link #connect}, by a client that keeps no message, only the last ACTIVITY's seq. */
  static Future<DeltaSocket> connectKeepingNothing(Vertx vertx, int port, String token) {
    return connect(vertx, port, token, -1, false);
  }

  private static Future<DeltaSocket> connect(Vertx vertx, int port, String token, long since, boolean keeps) {
    String uri = "/ws?proto=2" + (since >= 0 ? "&since=" + since : "") + "&token=" + token;
    WebSocketClient client = vertx.createWebSocketClient();
    ClientWebSocket ws = client.webSocket();
    DeltaSocket socket = new DeltaSocket(client, ws, keeps);
    // handlers before the upgrade: a message in the same read as the 101 would otherwise be dropped
    ws.textMessageHandler(socket::onText);
    ws.closeHandler(v -> socket.closed.tryComplete(ws.closeStatusCode()));
    Future<DeltaSocket> open = ws.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI(uri))
      .map(socket);
    if (since >= 0) {
      return open;
    }
    // a socket the node refuses is closed without a list: the caller sees the refusal, not a wait
    return open.compose(s -> Future.any(s.listed.future(), s.closed.future()).map(s));
  }

  private void onText(String text) {
    JsonObject message = new JsonObject(text);
    List<Promise<Void>> reached = new ArrayList<>();
    if ("FILE_LIST_UPDATED".equals(message.getString("type"))) {
      listed.tryComplete();
    }
    synchronized (this) {
      if (keeps) {
        messages.add(message);
      }
      if ("ACTIVITY".equals(message.getString("type"))) {
        long seq = message.getLong("seq");
        lastActivity = seq;
        if (keeps) {
          activitySeqs.add(seq);
        }
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
      if (lastActivity >= 0 && lastActivity >= seq) {
        return Future.succeededFuture();
      }
      Promise<Void> reached = Promise.promise();
      waiting.add(new Waiting(seq, reached));
      return reached.future();
    }
  }

  void awaitActivity(long seq, long seconds) throws Exception {
    // a socket the node closes fails the wait at once, with its close code
    Promise<Void> outcome = Promise.promise();
    activity(seq).onComplete(outcome);
    closed.future().onSuccess(code -> outcome.tryFail(
      new IllegalStateException("socket closed with " + code + " before the ACTIVITY of seq " + seq)));
    outcome.future().await(seconds, TimeUnit.SECONDS);
  }

  synchronized List<Long> activitySeqs() {
    requireKept();
    return List.copyOf(activitySeqs);
  }

  synchronized List<JsonObject> messages() {
    requireKept();
    return List.copyOf(messages);
  }

  private void requireKept() {
    if (!keeps) {
      throw new IllegalStateException("this client keeps no messages");
    }
  }

  /** The seq of the last ACTIVITY received (what a browser reconnects with), or {@code orElse}. */
  synchronized long lastSeq(long orElse) {
    return lastActivity < 0 ? orElse : lastActivity;
  }

  Future<Short> closed() {
    return closed.future();
  }

  Future<Void> close() {
    return socket.close();
  }
}
