package com.ncvault.api;

import com.ncvault.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/** The one way the api talks to storage: a request on {@link Addresses#STORAGE} naming the action. */
final class StorageClient {

  static final long DEFAULT_TIMEOUT_MS = 30_000;
  /** Committing an upload makes a large file durable first (fsync, rename), which can take a while. */
  static final long UPLOAD_COMMIT_TIMEOUT_MS = 10 * 60_000;
  /** Content this node lacks is first copied from another node, which for a large file takes a while. */
  static final long CONTENT_TIMEOUT_MS = 5 * 60_000;

  private final Vertx vertx;

  StorageClient(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<JsonObject> call(String action, JsonObject body) {
    return call(action, body, DEFAULT_TIMEOUT_MS);
  }

  /** Replies with the storage's JSON; fails with the storage's error (see PdmError.from). */
  Future<JsonObject> call(String action, JsonObject body, long timeoutMs) {
    DeliveryOptions options = new DeliveryOptions()
      .addHeader(Addresses.HEADER_ACTION, action)
      .setSendTimeout(timeoutMs);
    return vertx.eventBus().<JsonObject>request(Addresses.STORAGE, body, options)
      .map(Message::body)
      .map(reply -> reply == null ? new JsonObject() : reply);
  }
}
