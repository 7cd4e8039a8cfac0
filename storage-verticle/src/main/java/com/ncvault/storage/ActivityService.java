package com.ncvault.storage;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Read side of the log: dashboard figures, the activity feed, and event catch-up for sync. */
final class ActivityService {

  static final int DEFAULT_ACTIVITY_LIMIT = 50;
  static final int MAX_ACTIVITY_LIMIT = 500;
  static final int DEFAULT_EVENTS_LIMIT = 1000;
  static final int MAX_EVENTS_LIMIT = 10_000;
  static final int CHECKIN_DAYS = 30;

  private final Pool pool;
  private final Clock clock;
  private final long staleLockSeconds;

  ActivityService(Database db, Clock clock, long staleLockSeconds) {
    this.pool = db.pool();
    this.clock = clock;
    this.staleLockSeconds = staleLockSeconds;
  }

  /** {staleSeconds?} -> the dashboard's figures, keys as the REST API shows them. */
  Future<JsonObject> stats(Request r) {
    long stale = r.number("staleSeconds", staleLockSeconds);
    long now = clock.millis();
    LocalDate today = Instant.ofEpochMilli(now).atZone(ZoneOffset.UTC).toLocalDate();
    LocalDate firstDay = today.minusDays(CHECKIN_DAYS - 1L);
    long since = firstDay.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
    Future<RowSet<Row>> active = pool.query(Sql.ACTIVE_CHECKOUTS).execute();
    Future<RowSet<Row>> files = pool.query(Sql.FILE_COUNTS).execute();
    Future<RowSet<Row>> revisions = pool.query(Sql.COUNT_REVISIONS).execute();
    Future<RowSet<Row>> users = pool.query(Sql.COUNT_USERS).execute();
    Future<RowSet<Row>> checkins = Database.run(pool, Sql.CHECKIN_TIMES, Map.of("since", since));
    return Future.all(active, files, revisions, users, checkins).map(all -> {
      JsonArray checkouts = new JsonArray();
      Map<String, Integer> perUser = new TreeMap<>();
      for (Row row : active.result()) {
        long lockedAt = Rows.num(row, "locked_at");
        long duration = Math.max(0, (now - lockedAt) / 1000);
        String holder = row.getString("locked_by");
        perUser.merge(holder, 1, Integer::sum);
        checkouts.add(new JsonObject()
          .put("filename", row.getString("filename"))
          .put("locked_by", holder)
          .put("locked_at", FileRow.iso(lockedAt))
          .put("duration_seconds", duration)
          .put("lock_message", row.getString("lock_message"))
          .put("stale", duration >= stale));
      }
      JsonArray locksPerUser = new JsonArray();
      perUser.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .forEach(e -> locksPerUser.add(new JsonObject().put("user", e.getKey()).put("count", e.getValue())));

      Map<LocalDate, Integer> perDay = new LinkedHashMap<>();
      for (LocalDate d = firstDay; !d.isAfter(today); d = d.plusDays(1)) {
        perDay.put(d, 0);
      }
      for (Row row : checkins.result()) {
        LocalDate day = Instant.ofEpochMilli(Rows.num(row, "created_at")).atZone(ZoneOffset.UTC).toLocalDate();
        perDay.computeIfPresent(day, (d, n) -> n + 1);
      }
      JsonArray checkinsPerDay = new JsonArray();
      perDay.forEach((day, n) -> checkinsPerDay.add(new JsonObject().put("day", day.toString()).put("count", n)));

      Row counts = files.result().iterator().next();
      long total = Rows.num(counts, "total");
      long deleted = Rows.num(counts, "deleted_count");
      return new JsonObject()
        .put("active_checkouts", checkouts)
        .put("total_files", total - deleted)
        .put("locked_files", Rows.num(counts, "locked_count"))
        .put("deleted_files", deleted)
        .put("total_revisions", Rows.single(revisions.result()))
        .put("users", Rows.single(users.result()))
        .put("checkins_per_day", checkinsPerDay)
        .put("locks_per_user", locksPerUser)
        .put("stale_lock_seconds", stale);
    });
  }

  /** {limit?, offset?, user?, type?} -> {activities: [...]} newest first. */
  Future<JsonObject> activity(Request r) {
    long limit = Math.min(MAX_ACTIVITY_LIMIT, Math.max(1, r.number("limit", DEFAULT_ACTIVITY_LIMIT)));
    long offset = Math.max(0, r.number("offset", 0));
    String user = r.optional("user");
    String type = r.optional("type");
    StringBuilder sql = new StringBuilder(Sql.ACTIVITY);
    Map<String, Object> params = new HashMap<>();
    params.put("limit", limit);
    params.put("offset", offset);
    String joiner = " WHERE ";
    if (user != null && !user.isBlank()) {
      sql.append(joiner).append("username = #{user}");
      params.put("user", user);
      joiner = " AND ";
    }
    if (type != null && !type.isBlank()) {
      sql.append(joiner).append("event_type = #{type}");
      params.put("type", type);
    }
    sql.append(Sql.ACTIVITY_PAGE);
    return Database.run(pool, sql.toString(), params).map(rows -> {
      JsonArray activities = new JsonArray();
      for (Row row : rows) {
        activities.add(new JsonObject()
          .put("seq", Rows.num(row, "seq"))
          .put("event_type", row.getString("event_type"))
          .put("filename", row.getString("filename"))
          .put("user", row.getString("username"))
          .put("timestamp", FileRow.iso(Rows.num(row, "created_at")))
          .put("revision", row.getString("revision"))
          .put("message", row.getString("message")));
      }
      return new JsonObject().put("activities", activities);
    });
  }

  /**
   * {since, limit?} -> {events oldest first, latestSeq, oldestSeq, truncated}. Every event from
   * since + 1 to latestSeq is in the page (up to the limit), and latestSeq is never behind the
   * events returned. truncated = events after since were dropped by the retention limit; the
   * caller needs a full snapshot.
   */
  Future<JsonObject> eventsSince(Request r) {
    long since = r.number("since", 0);
    long limit = Math.min(MAX_EVENTS_LIMIT, Math.max(1, r.number("limit", DEFAULT_EVENTS_LIMIT)));
    // Latest and oldest first, the events after: seqs commit in order (the counter row is locked
    // until commit), so every event up to that latest seq is in the page, and an empty page means
    // nothing after `since` was committed. Read the other way round, a change committing between
    // the queries gave an empty page with a newer latestSeq, which sync took for lost history.
    return pool.query(Sql.LATEST_SEQ).execute().map(Rows::single)
      .compose(latest -> pool.query(Sql.OLDEST_SEQ).execute().map(Rows::single)
        .compose(oldest -> Database.run(pool, Sql.EVENTS_SINCE, Map.of("since", since, "limit", limit))
          .map(rows -> {
            JsonArray events = new JsonArray();
            rows.forEach(row -> events.add(new JsonObject(row.getString("event_json"))));
            long newest = events.isEmpty() ? latest
              : Math.max(latest, events.getJsonObject(events.size() - 1).getLong("seq"));
            return new JsonObject()
              .put("events", events)
              .put("latestSeq", newest)
              .put("oldestSeq", oldest)
              .put("truncated", oldest > 0 && since < oldest - 1);
          })));
  }


  /** {} -> {seq}: the latest committed seq. */
  Future<JsonObject> latest(Request r) {
    return pool.query(Sql.LATEST_SEQ).execute().map(rows -> new JsonObject().put("seq", Rows.single(rows)));
  }
}
