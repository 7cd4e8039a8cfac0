package com.ncvault.storage;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.DomainEvent;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import java.util.HashMap;
import java.util.Map;

/**
 * The activity log and the global event sequence. {@link #append} runs inside the transaction of
 * the change: it takes the next seq from the counter row (whose row lock serialises writers until
 * commit, so seq has no gaps and a rolled-back change consumes none) and stores the event JSON that
 * {@link #publish} sends after the commit.
 */
final class EventLog {

  private final Dialect dialect;
  private final long retention;
  private final EventBus eventBus;

  EventLog(Dialect dialect, long retention, EventBus eventBus) {
    this.dialect = dialect;
    this.retention = retention;
    this.eventBus = eventBus;
  }

  /** Appends one event in the caller's transaction; returns the event JSON to publish after commit. */
  Future<JsonObject> append(SqlConnection conn, String type, String filename, String user, long at,
                            String revision, String message, JsonObject details, JsonObject file) {
    return conn.query(dialect.returning(Sql.NEXT_SEQ)).execute()
      .compose(rows -> {
        long seq = ((Number) rows.iterator().next().getValue("current_value")).longValue();
        JsonObject event = toJson(seq, type, filename, user, FileRow.iso(at), revision, message,
          details == null ? new JsonObject() : details, file);
        Map<String, Object> params = new HashMap<>();
        params.put("seq", seq);
        params.put("type", type);
        params.put("filename", filename);
        params.put("user", user);
        params.put("now", at);
        params.put("revision", revision);
        params.put("message", message);
        params.put("json", event.encode());
        Future<?> inserted = Database.run(conn, Sql.INSERT_ACTIVITY, params);
        if (retention > 0) {
          inserted = inserted.compose(v -> Database.run(conn, Sql.TRIM_ACTIVITY, Map.of("cutoff", seq - retention)));
        }
        return inserted.map(v -> event);
      });
  }

  /** Publishes a committed change's event and its notification, then yields the caller's reply. */
  JsonObject publish(Change change) {
    eventBus.publish(Addresses.DOMAIN_EVENTS, change.event());
    if (change.notification() != null) {
      eventBus.publish(Addresses.NOTIFY, JsonObject.mapFrom(change.notification()));
    }
    return change.reply();
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
