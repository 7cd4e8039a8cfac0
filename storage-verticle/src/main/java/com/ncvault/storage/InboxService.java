package com.ncvault.storage;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.Notification;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi.Notice;
import com.ncvault.contract.StorageApi.NoticePage;
import com.ncvault.contract.StorageApi.NoticeQuery;
import com.ncvault.contract.StorageApi.ReadNotices;
import com.ncvault.contract.StorageApi.Watch;
import com.ncvault.contract.StorageApi.WatchChange;
import com.ncvault.contract.StorageLimits;
import com.ncvault.contract.UserUpdate;
import com.ncvault.storage.GroupCommit.Outcome;
import io.vertx.core.Future;
import io.vertx.core.eventbus.EventBus;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Each user's watches and inbox. Changes go through the group commit (a watch in the order of its
 * file's lock changes, so a file cannot be released between the check that someone holds it and
 * the watch); each is published to the user's pages ({@link Addresses#USER_UPDATE}) after its commit.
 */
final class InboxService {

  static final String WATCHES_OF = "SELECT filename, created_at FROM watches WHERE username = #{user} ORDER BY filename";
  static final String WATCH_COUNT = "SELECT COUNT(*) AS n FROM watches WHERE username = #{user}";
  static final String WATCH_OF = "SELECT created_at FROM watches WHERE username = #{user} AND filename = #{filename}";
  static final String ADD_WATCH = "INSERT INTO watches (username, filename, created_at) VALUES (#{user}, #{filename}, #{at})";
  static final String END_WATCH = "DELETE FROM watches WHERE username = #{user} AND filename = #{filename}";
  static final String PAGE = "SELECT id, kind, from_user, filename, body, created_at, is_read FROM notices "
    + "WHERE username = #{user} AND id < #{before} ORDER BY id DESC LIMIT #{limit}";
  static final String READ_ALL = "UPDATE notices SET is_read = TRUE WHERE username = #{user} AND is_read = FALSE";
  static final String READ_ONE = "UPDATE notices SET is_read = TRUE WHERE username = #{user} AND id = #{id}";
  static final String USER_EXISTS = "SELECT COUNT(*) AS n FROM users WHERE username = #{user}";

  private final Database db;
  private final GroupCommit commits;
  private final EventBus bus;
  private final Clock clock;

  InboxService(Database db, GroupCommit commits, EventBus bus, Clock clock) {
    this.db = db;
    this.commits = commits;
    this.bus = bus;
    this.clock = clock;
  }

  Future<List<Watch>> watches(String user) {
    return Database.run(db.pool(), WATCHES_OF, Map.of("user", user)).map(rows -> {
      List<Watch> watches = new ArrayList<>();
      rows.forEach(row -> watches.add(new Watch(row.getString("filename"), FileRow.iso(Rows.num(row, "created_at")))));
      return watches;
    });
  }

  Future<Watch> watch(WatchChange r) {
    String user = r.user();
    String filename = r.filename();
    return commits.submit(filename, tx -> tx.row(Sql.FILE_BY_NAME_FOR_UPDATE, Map.of("filename", filename))
      .compose(row -> {
        FileRow file = row == null ? null : Rows.file(row);
        if (file == null || file.deleted()) {
          return Future.failedFuture(new PdmError(ErrorCode.NOT_FOUND, "No file " + filename));
        }
        if (!file.locked() || user.equals(file.lockedBy())) {
          return Future.failedFuture(new PdmError(ErrorCode.CONFLICT,
            filename + " is not checked out by someone else; there is nothing to wait for"));
        }
        Map<String, Object> params = Map.of("user", user, "filename", filename, "at", clock.millis());
        return tx.row(WATCH_OF, params).compose(existing -> {
          if (existing != null) {
            return Future.succeededFuture(new Outcome<>(
              new Watch(filename, FileRow.iso(Rows.number(existing.get("created_at")))), null));
          }
          return tx.row(WATCH_COUNT, params).compose(count -> {
            if (Rows.number(count.get("n")) >= StorageLimits.MAX_WATCHES) {
              return Future.failedFuture(new PdmError(ErrorCode.CONFLICT,
                "You can watch at most " + StorageLimits.MAX_WATCHES + " files"));
            }
            return tx.update(ADD_WATCH, params)
              .map(n -> new Outcome<>(new Watch(filename, FileRow.iso((Long) params.get("at"))), null));
          });
        });
      }))
      .onSuccess(w -> publish(UserUpdate.watching(user, filename, true)));
  }

  Future<Void> unwatch(WatchChange r) {
    Map<String, Object> params = Map.of("user", r.user(), "filename", r.filename());
    return commits.<Integer>submit(r.filename(), tx -> tx.update(END_WATCH, params).map(n -> new Outcome<>(n, null)))
      .onSuccess(n -> publish(UserUpdate.watching(r.user(), r.filename(), false)))
      .mapEmpty();
  }

  Future<NoticePage> notices(NoticeQuery q) {
    long before = q.before() == null ? Long.MAX_VALUE : q.before();
    Map<String, Object> params = Map.of("user", q.user(), "before", before, "limit", q.limit() + 1);
    return Database.run(db.pool(), PAGE, params).compose(rows -> {
      List<Notice> notices = new ArrayList<>();
      rows.forEach(row -> notices.add(new Notice(Rows.num(row, "id"), row.getString("kind"),
        row.getString("from_user"), row.getString("filename"), row.getString("body"),
        FileRow.iso(Rows.num(row, "created_at")), Boolean.TRUE.equals(row.getBoolean("is_read")))));
      boolean more = notices.size() > q.limit();
      List<Notice> page = more ? notices.subList(0, q.limit()) : notices;
      return unread(q.user()).map(unread -> new NoticePage(List.copyOf(page), unread, more));
    });
  }

  Future<Integer> read(ReadNotices r) {
    String user = r.user();
    return commits.<Integer>submit(key(user), tx -> {
      Future<Void> marked;
      if (r.all()) {
        marked = tx.update(READ_ALL, Map.of("user", user)).mapEmpty();
      } else {
        List<Map<String, Object>> each = r.ids().stream()
          .map(id -> Map.<String, Object>of("user", user, "id", id)).toList();
        marked = tx.batch(READ_ONE, each);
      }
      return marked.compose(v -> tx.row(Notices.UNREAD, Map.of("user", user)))
        .map(count -> new Outcome<>((int) Rows.number(count.get("n")), null));
    }).onSuccess(unread -> publish(UserUpdate.read(user, r.ids(), r.all(), unread)));
  }

  Future<Void> send(Notification notice) {
    if (notice.to() == null || notice.kind() == null || notice.text() == null) {
      return Future.failedFuture(new PdmError(ErrorCode.VALIDATION, "A notice names its recipient, kind and text"));
    }
    Notification dated = notice.timestamp() != null ? notice : new Notification(notice.to(), notice.from(),
      notice.kind(), notice.filename(), notice.text(), FileRow.iso(clock.millis()));
    return commits.submit(key(notice.to()), tx -> tx.row(USER_EXISTS, Map.of("user", notice.to())).compose(count ->
      Rows.number(count.get("n")) == 0
        ? Future.failedFuture(new PdmError(ErrorCode.NOT_FOUND, "No user " + notice.to()))
        : Future.succeededFuture(new Outcome<Void>(null, null, dated))));
  }

  private Future<Integer> unread(String user) {
    return Database.run(db.pool(), Notices.UNREAD, Map.of("user", user)).map(rows -> (int) Rows.single(rows));
  }

  private void publish(UserUpdate update) {
    bus.publish(Addresses.USER_UPDATE, update.toJson());
  }

  /** A user's inbox sorts after files in a group commit's lock order, as users do. */
  private static String key(String user) {
    return GroupCommit.otherKey("user", user);
  }
}
