package com.ncvault.sync;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/** A real WebSocket client that records what the server sends and lets a test wait for it. */
final class TestSocket {

  private record Waiter(Predicate<JsonObject> predicate, Promise<JsonObject> promise) {
  }

  /** Held while the socket is open: Vert.x closes a client, and its sockets, once the client is garbage. */
  private final WebSocketClient client;
  final WebSocket socket;
  private final List<JsonObject> messages = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Short> closed = Promise.promise();
  private final List<String> texts = new ArrayList<>();

  private TestSocket(WebSocketClient client, WebSocket socket) {
    this.client = client;
    this.socket = socket;
  }

  static Future<TestSocket> connect(WebSocketClient client, String uri) {
    ClientWebSocket ws = client.webSocket();
    TestSocket test = new TestSocket(client, ws);
    // handlers before the upgrade: a message in the same read as the 101 would otherwise be dropped
    ws.textMessageHandler(test::onText);
    ws.closeHandler(v -> test.closed.tryComplete(ws.closeStatusCode()));
    return ws.connect(new WebSocketConnectOptions().setURI(uri)).map(test);
  }

  private synchronized void onText(String text) {
    texts.add(text);
    JsonObject message = new JsonObject(text);
    messages.add(message);
    List<Waiter> matched = new ArrayList<>();
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter waiter = it.next();
      if (waiter.predicate().test(message)) {
        it.remove();
        matched.add(waiter);
      }
    }
    matched.forEach(waiter -> waiter.promise().complete(message));
  }

  /** The first message, past or future, that matches. */
  synchronized Future<JsonObject> await(Predicate<JsonObject> predicate) {
    for (JsonObject message : messages) {
      if (predicate.test(message)) {
        return Future.succeededFuture(message);
      }
    }
    Promise<JsonObject> promise = Promise.promise();
    waiters.add(new Waiter(predicate, promise));
    return promise.future();
  }

  /** The first message, among those after the first {@code skip} received, that matches. */
  synchronized Future<JsonObject> awaitAfter(int skip, Predicate<JsonObject> predicate) {
    // await() tests every message exactly once, in the order received
    int[] index = {0};
    return await(message -> index[0]++ >= skip && predicate.test(message));
  }

  synchronized int size() {
    return messages.size();
  }

  Future<JsonObject> awaitType(String type) {
    return await(m -> type.equals(m.getString("type")));
  }

  /** Waits for the ACTIVITY of {@code seq} (the last message of that seq). */
  Future<JsonObject> awaitActivity(long seq) {
    return await(m -> "ACTIVITY".equals(m.getString("type")) && m.getLong("seq") == seq);
  }

  /** The close code the server sent (1006 when the connection just dropped). */
  Future<Short> closed() {
    return closed.future();
  }

  synchronized List<JsonObject> messages() {
    return new ArrayList<>(messages);
  }

  synchronized List<JsonObject> ofType(String type) {
    return messages.stream().filter(m -> type.equals(m.getString("type"))).collect(Collectors.toList());
  }

  /** The seqs of the ACTIVITY messages, in the order they arrived. */
  synchronized List<Long> activitySeqs() {
    return messages.stream().filter(m -> "ACTIVITY".equals(m.getString("type")))
      .map(m -> m.getLong("seq")).collect(Collectors.toList());
  }

  Future<Void> send(String text) {
    return socket.writeTextMessage(text);
  }

  Future<Void> close() {
    return socket.close();
  }
}
