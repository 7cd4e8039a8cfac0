package com.ncvault.storage;

import com.ncvault.contract.EventTypes;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.Notification;
import com.ncvault.contract.StorageLimits;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The inbox and the watches as a committing transaction changes them: a notice is kept in its
 * recipient's inbox in the same commit as the change it tells of, and the watchers of a file that a
 * change released get their "free" notice (and lose their watch) in that commit too, so a notice is
 * never lost between the change and a socket.
 */
final class Notices {

  static final String INSERT = "INSERT INTO notices (username, kind, from_user, filename, body, created_at) "
    + "VALUES (#{user}, #{kind}, #{from}, #{filename}, #{text}, #{at})";
  static final String UNREAD = "SELECT COUNT(*) AS n FROM notices WHERE username = #{user} AND is_read = FALSE";
  /** Drops what is older than the newest {@link StorageLimits#MAX_NOTICES_KEPT} of a user. */
  static final String TRIM = "DELETE FROM notices WHERE username = #{user} AND id <= (SELECT id FROM notices "
    + "WHERE username = #{user} ORDER BY id DESC LIMIT 1 OFFSET " + StorageLimits.MAX_NOTICES_KEPT + ")";
  static final String WATCHERS = "SELECT username FROM watches WHERE filename = #{filename} ORDER BY username";
  static final String END_WATCHES = "DELETE FROM watches WHERE filename = #{filename}";
  static final int MAX_TEXT = 4000;

  private Notices() {
  }

  /** The file an event released (cancel, override, a check-in that did not keep the lock), or null. */
  static String freedFile(JsonObject event) {
    String type = event.getString("type", "");
    return switch (type) {
      case EventTypes.CANCEL, EventTypes.OVERRIDE -> event.getString("filename");
      case EventTypes.CHECKIN -> {
        JsonObject file = event.getJsonObject("file");
        yield file != null && FileInfo.LOCKED.equals(file.getString("status")) ? null : event.getString("filename");
      }
      default -> null;
    };
  }

  /**
   * In {@code tx}: the notices a committed event gives, not kept yet: {@code direct} (or null) and a
   * "free" notice for every watcher of the file it released (but the one who released it), whose
   * watches end. Each is to be sent after the event.
   */
  static Future<List<Notification>> due(Tx tx, JsonObject event, Notification direct) {
    long seq = event.getLong("seq");
    List<Notification> due = new ArrayList<>();
    if (direct != null) {
      due.add(direct.after(seq));
    }
    String freed = freedFile(event);
    if (freed == null) {
      return Future.succeededFuture(due);
    }
    String by = event.getString("user");
    return tx.rows(WATCHERS, Map.of("filename", freed)).compose(rows -> {
      for (Map<String, Object> row : rows) {
        String watcher = (String) row.get("username");
        if (!watcher.equals(by)) {
          due.add(new Notification(watcher, by, Notification.KIND_FREE, freed,
            freed + ", which you watch, is free now", event.getString("timestamp")).after(seq));
        }
      }
      return rows.isEmpty() ? Future.succeededFuture(due)
        : tx.update(END_WATCHES, Map.of("filename", freed)).map(v -> due);
    });
  }

  /** Keeps the notices one after another; the notices as kept, in the same order. */
  static Future<List<Notification>> keepAll(Tx tx, Dialect dialect, List<Notification> notices) {
    List<Notification> kept = new ArrayList<>(notices.size());
    Future<Void> chain = Future.succeededFuture();
    for (Notification notice : notices) {
      chain = chain.compose(v -> keep(tx, dialect, notice)).map(k -> {
        kept.add(k);
        return null;
      });
    }
    return chain.map(v -> kept);
  }

  /** Keeps one notice in its recipient's inbox, drops the oldest beyond the limit; the notice with its id and unread count. */
  static Future<Notification> keep(Tx tx, Dialect dialect, Notification n) {
    String text = n.text() == null ? "" : n.text();
    if (text.length() > MAX_TEXT) {
      text = text.substring(0, MAX_TEXT);
    }
    long at = n.timestamp() == null ? System.currentTimeMillis() : parse(n.timestamp());
    return tx.row(dialect.returning(INSERT), Params.of("user", n.to(), "kind", n.kind(), "from", n.from(),
        "filename", n.filename(), "text", text, "at", at))
      .compose(row -> tx.update(TRIM, Map.of("user", n.to()))
        .compose(v -> tx.row(UNREAD, Map.of("user", n.to())))
        .map(count -> n.kept(Rows.number(row.get("id")), (int) Rows.number(count.get("n")))));
  }

  private static long parse(String timestamp) {
    try {
      return java.time.Instant.parse(timestamp).toEpochMilli();
    } catch (java.time.format.DateTimeParseException e) {
      return System.currentTimeMillis();
    }
  }
}
