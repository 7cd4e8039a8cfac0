package com.ncvault.node;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;

/**
 * A TCP event-bus bridge client frame by frame (4-byte big-endian length, then UTF-8 JSON), for
 * tests that need to send what the example consumer would not, or to watch one connection closely.
 */
final class BridgeClient {

  private record Waiter(Predicate<JsonObject> wanted, Promise<JsonObject> promise) {
  }

  // held for as long as the connection: a client the collector finds unreachable is closed, with its connections
  private final NetClient client;
  private final NetSocket socket;
  private final List<JsonObject> received = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private final Promise<Void> closed = Promise.promise();
  private Buffer pending = Buffer.buffer();

  private BridgeClient(NetClient client, NetSocket socket) {
    this.client = client;
    this.socket = socket;
    socket.handler(this::onData);
    socket.closeHandler(v -> closed.tryComplete());
  }

  static Future<BridgeClient> connect(Vertx vertx, int port) {
    NetClient client = vertx.createNetClient();
    return client.connect(port, "127.0.0.1").map(socket -> new BridgeClient(client, socket));
  }

  Future<Void> send(JsonObject frame) {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    return socket.write(Buffer.buffer().appendInt(json.length).appendBytes(json));
  }

  NetSocket socket() {
    return socket;
  }

  Future<Void> register(String address, String token) {
    return send(new JsonObject().put("type", "register").put("address", address)
      .put("headers", new JsonObject().put("token", token)));
  }

  /** The reply to a read-only request (a message frame, possibly with failureCode), or the err frame refusing it. */
  Future<JsonObject> request(String action, JsonObject body, String token) {
    String replyAddress = "test.reply." + UUID.randomUUID();
    Future<JsonObject> reply = next(f -> replyAddress.equals(f.getString("address")) || "err".equals(f.getString("type")));
    return send(new JsonObject().put("type", "send").put("address", "pdm.bridge.request").put("replyAddress", replyAddress)
      .put("headers", new JsonObject().put("token", token).put("action", action)).put("body", body))
      .compose(v -> reply);
  }

  /** The first frame received (before or after now) that matches. */
  synchronized Future<JsonObject> next(Predicate<JsonObject> wanted) {
    for (JsonObject frame : received) {
      if (wanted.test(frame)) {
        return Future.succeededFuture(frame);
      }
    }
    Promise<JsonObject> promise = Promise.promise();
    waiters.add(new Waiter(wanted, promise));
    return promise.future();
  }

  synchronized List<JsonObject> received() {
    return List.copyOf(received);
  }

  /** Completes when the node closed the connection (or it was closed here). */
  Future<Void> closed() {
    return closed.future();
  }

  Future<Void> close() {
    return socket.close().eventually(client::close);
  }

  private synchronized void onData(Buffer data) {
    pending = pending.copy().appendBuffer(data);
    while (pending.length() >= 4 && pending.length() >= 4 + pending.getInt(0)) {
      int length = pending.getInt(0);
      JsonObject frame = new JsonObject(pending.getString(4, 4 + length, "UTF-8"));
      pending = pending.getBuffer(4 + length, pending.length());
      received.add(frame);
      waiters.removeIf(w -> w.wanted().test(frame) && w.promise().tryComplete(frame));
    }
  }
}
