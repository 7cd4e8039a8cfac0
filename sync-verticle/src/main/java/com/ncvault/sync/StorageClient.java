package com.ncvault.sync;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.StorageActions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;

/**
 * The storage actions sync needs, over the event bus. Replies arrive on the context that asked,
 * so a socket's catch-up can run entirely on that socket's event loop.
 */
final class StorageClient {

  private static final long TIMEOUT_MS = 15_000;

  private final Vertx vertx;

  StorageClient(Vertx vertx) {
    this.vertx = vertx;
  }

  Future<EventPage> eventsSince(long since, int limit) {
    return request(StorageActions.EVENTS_SINCE, new JsonObject().put("since", since).put("limit", limit))
      .map(EventPage::fromJson);
  }

  Future<Long> latestSeq() {
    return request(StorageActions.EVENTS_LATEST, new JsonObject()).map(reply -> reply.getLong("seq", 0L));
  }

  /** The file list exactly as GET /api/files shows it, encoded as a FILE_LIST_UPDATED. */
  Future<Snapshot> fileList() {
    return request(StorageActions.FILES_LIST, new JsonObject()).map(reply -> {
      long seq = reply.getLong("seq", 0L);
      JsonObject groups = reply.getJsonObject("groups", new JsonObject());
      return new Snapshot(seq, Messages.fileListUpdated(seq, groups));
    });
  }

  private Future<JsonObject> request(String action, JsonObject body) {
    DeliveryOptions options = new DeliveryOptions()
      .addHeader(Addresses.HEADER_ACTION, action)
      .setSendTimeout(TIMEOUT_MS);
    return vertx.eventBus().<JsonObject>request(Addresses.STORAGE, body, options).map(Message::body);
  }
}
