package com.ncvault.storage;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.StorageApi.ActiveCheckout;
import com.ncvault.contract.StorageApi.Activity;
import com.ncvault.contract.StorageApi.ActivityPage;
import com.ncvault.contract.StorageApi.ActivityQuery;
import com.ncvault.contract.StorageApi.DashboardQuery;
import com.ncvault.contract.StorageApi.DashboardStats;
import com.ncvault.contract.StorageApi.DayCount;
import com.ncvault.contract.StorageApi.EventPage;
import com.ncvault.contract.StorageApi.EventsQuery;
import com.ncvault.contract.StorageApi.UserCount;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Read side of the log: dashboard figures, the activity feed, and event catch-up for sync. */
final class ActivityService {

  static final int CHECKIN_DAYS = 30;

  private final Pool pool;
  private final Clock clock;
  private final long staleLockSeconds;

  ActivityService(Database db, Clock clock, long staleLockSeconds) {
    this.pool = db.pool();
    this.clock = clock;
    this.staleLockSeconds = staleLockSeconds;
  }

  /** The dashboard's figures. */
  Future<DashboardStats> stats(DashboardQuery query) {
    long stale = query.staleSeconds() != null ? query.staleSeconds() : staleLockSeconds;
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
      List<ActiveCheckout> checkouts = new ArrayList<>();
      Map<String, Integer> perUser = new TreeMap<>();
      for (Row row : active.result()) {
        long lockedAt = Rows.num(row, "locked_at");
        long duration = Math.max(0, (now - lockedAt) / 1000);
        String holder = row.getString("locked_by");
        perUser.merge(holder, 1, Integer::sum);
        checkouts.add(new ActiveCheckout(row.getString("filename"), holder, FileRow.iso(lockedAt), duration,
          row.getString("lock_message"), duration >= stale));
      }
      List<UserCount> locksPerUser = perUser.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
        .map(e -> new UserCount(e.getKey(), e.getValue()))
        .toList();

      Map<LocalDate, Integer> perDay = new LinkedHashMap<>();
      for (LocalDate d = firstDay; !d.isAfter(today); d = d.plusDays(1)) {
        perDay.put(d, 0);
      }
      for (Row row : checkins.result()) {
        LocalDate day = Instant.ofEpochMilli(Rows.num(row, "created_at")).atZone(ZoneOffset.UTC).toLocalDate();
        perDay.computeIfPresent(day, (d, n) -> n + 1);
      }
      List<DayCount> checkinsPerDay = new ArrayList<>();
      perDay.forEach((day, n) -> checkinsPerDay.add(new DayCount(day.toString(), n)));

      Row counts = files.result().iterator().next();
      long total = Rows.num(counts, "total");
      long deleted = Rows.num(counts, "deleted_count");
      return new DashboardStats(List.copyOf(checkouts), total - deleted, Rows.num(counts, "locked_count"), deleted,
        Rows.single(revisions.result()), Rows.single(users.result()), List.copyOf(checkinsPerDay), locksPerUser,
        stale);
    });
  }

  /** The activity feed newest first. */
  Future<ActivityPage> activity(ActivityQuery query) {
    long limit = query.limit();
    long offset = query.offset();
    String user = query.user();
    String type = query.type();
    StringBuilder sql = new StringBuilder(Sql.ACTIVITY);
    Map<String, Object> params = new HashMap<>();
    params.put("limit", limit);
    params.put("offset", offset);
    String joiner = " WHERE ";
    if (user != null) {
      sql.append(joiner).append("username = #{user}");
      params.put("user", user);
      joiner = " AND ";
    }
    if (type != null) {
      sql.append(joiner).append("event_type = #{type}");
      params.put("type", type);
      joiner = " AND ";
    }
    if (query.withoutUserAdministration()) {
      sql.append(joiner).append(Sql.NOT_USER_ADMINISTRATION);
    }
    sql.append(Sql.ACTIVITY_PAGE);
    return Database.run(pool, sql.toString(), params).map(rows -> {
      List<Activity> activities = new ArrayList<>();
      for (Row row : rows) {
        activities.add(new Activity(Rows.num(row, "seq"), row.getString("event_type"), row.getString("filename"),
          row.getString("username"), FileRow.iso(Rows.num(row, "created_at")), row.getString("revision"),
          row.getString("message")));
      }
      return new ActivityPage(List.copyOf(activities));
    });
  }

  /**
   * {since, limit?} -> {events oldest first, latestSeq, oldestSeq, truncated}. Every event from
   * since + 1 to latestSeq is in the page (up to the limit), and latestSeq is never behind the
   * events returned. truncated = events after since were dropped by the retention limit; the
   * caller needs a full snapshot.
   */
  Future<EventPage> eventsSince(EventsQuery query) {
    long since = query.since();
    long limit = query.limit();
    // Latest and oldest first, the events after: seqs commit in order (the counter row is locked
    // until commit), so every event up to that latest seq is in the page, and an empty page means
    // nothing after `since` was committed. Read the other way round, a change committing between
    // the queries gave an empty page with a newer latestSeq, which sync took for lost history.
    return pool.query(Sql.LATEST_SEQ).execute().map(Rows::single)
      .compose(latest -> pool.query(Sql.OLDEST_SEQ).execute().map(Rows::single)
        .compose(oldest -> Database.run(pool,
            query.withoutUserAdministration() ? Sql.EVENTS_SINCE_WITHOUT_USER_ADMINISTRATION : Sql.EVENTS_SINCE,
            Map.of("since", since, "limit", limit))
          .map(rows -> {
            List<DomainEvent> events = new ArrayList<>(rows.size());
            rows.forEach(row -> events.add(new JsonObject(row.getString("event_json")).mapTo(DomainEvent.class)));
            long newest = events.isEmpty() ? latest : Math.max(latest, events.get(events.size() - 1).seq());
            return new EventPage(events, newest, oldest, oldest > 0 && since < oldest - 1);
          })));
  }


  /** The latest committed seq. */
  Future<Long> latest() {
    return pool.query(Sql.LATEST_SEQ).execute().map(Rows::single);
  }
}
