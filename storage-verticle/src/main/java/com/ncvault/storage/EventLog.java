package com.ncvault.storage;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.Notification;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/**
 * The activity log's policy and its publication: events get their seq and their row in the
 * activity table in the commit that makes the change ({@link GroupCommit}); after the commit each is
 * published once on {@link Addresses#DOMAIN_EVENTS}. With a retention limit, older rows are dropped
 * in the same commit.
 */
final class EventLog {

  private final long retention;
  private final EventBus eventBus;

  EventLog(long retention, EventBus eventBus) {
    this.retention = retention;
    this.eventBus = eventBus;
  }

  /** Drops the events the retention limit no longer keeps, in the committing transaction. */
  Future<Void> trim(Tx tx, long latestSeq) {
    if (retention <= 0 || latestSeq <= retention) {
      return Future.succeededFuture();
    }
    return tx.update(Sql.TRIM_ACTIVITY, Map.of("cutoff", latestSeq - retention)).mapEmpty();
  }

  /** Publishes a committed change's event (null: none) and then the notices it gave. */
  void publish(JsonObject event, List<Notification> notices) {
    if (event != null) {
      eventBus.publish(Addresses.DOMAIN_EVENTS, event);
    }
    for (Notification notice : notices) {
      eventBus.publish(Addresses.NOTIFY, JsonObject.mapFrom(notice));
    }
  }

  /**
   * The JSON of a {@link DomainEvent}, as stored and as published: {seq, type, filename, user,
   * timestamp, revision, message, details, file}; file is FileInfo JSON or null.
   */
  static JsonObject toJson(long seq, String type, String filename, String user, String timestamp,
                           String revision, String message, JsonObject details, JsonObject file) {
    return new JsonObject()
      .put("seq", seq)
      .put("type", type)
      .put("filename", filename)
      .put("user", user)
      .put("timestamp", timestamp)
      .put("revision", revision)
      .put("message", message)
      .put("details", details)
      .put("file", file);
  }
}
