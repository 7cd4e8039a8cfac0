package com.ncvault.storage;

import com.ncvault.contract.BlobLocation;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.Notification;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.RevisionInfo;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StagedUpload;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * The file operations: list, create, checkout, check-in, cancel, override, delete, restore,
 * history, content, diff. Each change is one transaction that also appends its event; events
 * are published only after the commit.
 */
final class FileService {

  private static final Set<String> STATUSES = Set.of("locked", "unlocked", "deleted", "mine");
  private static final Comparator<String> BY_NAME =
    String.CASE_INSENSITIVE_ORDER.thenComparing(Comparator.naturalOrder());
  private static final int CHECKOUT_ATTEMPTS = 3;

  private final Vertx vertx;
  private final Pool pool;
  private final Dialect dialect;
  private final BlobStore blobs;
  private final FilenameRules names;
  private final EventLog events;
  private final Access access;
  private final NodeRegistry registry;
  private final BlobFetcher fetcher;
  private final Clock clock;

  FileService(Vertx vertx, Database db, BlobStore blobs, FilenameRules names, EventLog events, Access access,
              NodeRegistry registry, BlobFetcher fetcher, Clock clock) {
    this.vertx = vertx;
    this.pool = db.pool();
    this.dialect = db.dialect();
    this.blobs = blobs;
    this.names = names;
    this.events = events;
    this.access = access;
    this.registry = registry;
    this.fetcher = fetcher;
    this.clock = clock;
  }

  /** {q?, status?, user?, includeDeleted?} -> {groups, seq}; seq read first, in the same transaction. */
  Future<JsonObject> list(Request r) {
    String q = r.optional("q");
    String status = r.optional("status");
    String user = r.optional("user");
    boolean includeDeleted = r.flag("includeDeleted");
    if (status != null && !status.isEmpty() && !STATUSES.contains(status)) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "status is one of locked, unlocked, mine, deleted");
    }
    if ("mine".equals(status) && (user == null || user.isBlank())) {
      throw new PdmError(ErrorCode.BAD_REQUEST, "status=mine needs the user");
    }
    List<String> words = searchWords(q);
    return pool.withTransaction(conn -> conn.query(Sql.LATEST_SEQ).execute()
      .compose(seqRows -> conn.query(Sql.ALL_FILES).execute().map(rows -> {
        TreeMap<String, List<FileRow>> groups = new TreeMap<>();
        for (Row row : rows) {
          FileRow f = Rows.file(row);
          if (matches(f, words, status, user, includeDeleted)) {
            groups.computeIfAbsent(f.group(), g -> new ArrayList<>()).add(f);
          }
        }
        JsonObject body = new JsonObject();
        groups.forEach((group, files) -> {
          files.sort(Comparator.comparing(FileRow::filename, BY_NAME));
          JsonArray array = new JsonArray();
          files.forEach(f -> array.add(f.toJson()));
          body.put(group, array);
        });
        return new JsonObject().put("groups", body).put("seq", Rows.single(seqRows));
      })));
  }

  /** The words of a search, lower case: "OP20 mcam" -> [op20, mcam]; none for a blank or absent q. */
  static List<String> searchWords(String q) {
    if (q == null || q.isBlank()) {
      return List.of();
    }
    return List.of(q.strip().toLowerCase(Locale.ROOT).split("\\s+"));
  }

  /** Every word in the name or the description, in any order ("OP20 mcam" finds 1234567_OP20.mcam). */
  static boolean matchesWords(String filename, String description, List<String> words) {
    if (words.isEmpty()) {
      return true;
    }
    String text = filename.toLowerCase(Locale.ROOT) + "\n" + description.toLowerCase(Locale.ROOT);
    return words.stream().allMatch(text::contains);
  }

  private static boolean matches(FileRow f, List<String> words, String status, String user, boolean includeDeleted) {
    boolean wantDeleted = "deleted".equals(status);
    if (f.deleted() != wantDeleted && !(includeDeleted && !wantDeleted)) {
      return false;
    }
    if ("locked".equals(status) && !f.locked() || "unlocked".equals(status) && f.locked()
      || "mine".equals(status) && !user.equals(f.lockedBy())) {
      return false;
    }
    return matchesWords(f.filename(), f.description(), words);
  }

  Future<JsonObject> get(Request r) {
    String filename = r.required("filename");
    return find(pool, filename)
      .compose(row -> row == null ? Future.failedFuture(LockRules.notFound(filename)) : json(row));
  }

  /** {filename, description?, message?, user, role?, staged} -> FileInfo at 1.0. */
  Future<JsonObject> create(Request r) {
    StagedUpload staged = r.stagedOrNull();
    Future<Void> stored = attempt(() -> {
      String filename = r.required("filename");
      names.require(filename);
      r.required("user");
      r.text("description", false);
      r.text("message", false);
      Access.requireClaimedRole(r.optional("role"), Roles.PROGRAMMER);
      if (staged == null) {
        throw new PdmError(ErrorCode.BAD_REQUEST, "The upload is missing");
      }
      return filename;
    })
      .compose(filename -> Database.run(pool, Sql.FILE_BY_KEY, Map.of("key", nameKey(filename)))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture() : Future.failedFuture(exists(rows))))
      .compose(v -> ingest(staged));
    return discardOnFailure(stored, staged)
      .compose(v -> pool.withTransaction(conn -> insertNew(conn, r, staged)))
      .recover(e -> Future.failedFuture(Dialect.isUniqueViolation(e)
        ? new PdmError(ErrorCode.ALREADY_EXISTS, "A file with this name exists already") : e))
      .map(events::publish);
  }

  private static PdmError exists(RowSet<Row> rows) {
    Row row = rows.iterator().next();
    return new PdmError(ErrorCode.ALREADY_EXISTS, Boolean.TRUE.equals(row.getBoolean("deleted"))
      ? "A deleted file named " + row.getString("filename") + " exists; an admin can restore it"
      : "A file named " + row.getString("filename") + " exists already",
      new JsonObject().put("existing", row.getString("filename")));
  }

  private Future<Change> insertNew(SqlConnection conn, Request r, StagedUpload staged) {
    String filename = r.required("filename");
    String user = r.required("user");
    String description = r.text("description", false);
    String message = r.text("message", false);
    long now = clock.millis();
    Revision rev = Revision.FIRST;
    return Database.run(conn, Sql.INSERT_FILE, Params.of("filename", filename, "key", nameKey(filename),
        "grp", Grouping.groupOf(filename), "description", description == null ? "" : description,
        "revision", rev.toString(), "size", staged.size(), "sha256", staged.sha256(), "now", now))
      .compose(v -> insertRevision(conn, filename, rev, user, now, message == null ? "Initial upload" : message,
        staged))
      .compose(v -> registry.recordHere(conn, staged.sha256()))
      .compose(v -> find(conn, filename))
      .compose(row -> events.append(conn, EventTypes.CREATE, filename, user, now, rev.toString(),
          message == null ? "Initial upload" : message, new JsonObject().put("size", staged.size()), row.toJson())
        .map(event -> new Change(row.toJson(), event)));
  }

  /** {filename, user, role?, message?} -> FileInfo; one conditional update decides the winner. */
  Future<JsonObject> checkout(Request r) {
    String filename = r.required("filename");
    String user = r.required("user");
    String message = r.text("message", false);
    Access.requireClaimedRole(r.optional("role"), Roles.PROGRAMMER);
    return checkoutAttempt(filename, user, message, CHECKOUT_ATTEMPTS).map(events::publish);
  }

  private Future<Change> checkoutAttempt(String filename, String user, String message, int attemptsLeft) {
    long now = clock.millis();
    return pool.withTransaction(conn -> Database.run(conn, dialect.returning(Sql.CHECKOUT),
        Params.of("user", user, "now", now, "message", message, "filename", filename))
      .compose(rows -> {
        if (rows.size() == 1) {
          FileRow row = Rows.firstFile(rows);
          return events.append(conn, EventTypes.CHECKOUT, filename, user, now, row.revision(), message,
            new JsonObject(), row.toJson()).map(event -> new Change(row.toJson(), event));
        }
        return find(conn, filename).compose(row -> Future.<Change>failedFuture(
          LockRules.checkoutRefusal(filename, row).orElse(Retry.INSTANCE)));
      }))
      .recover(e -> e == Retry.INSTANCE && attemptsLeft > 1
        ? checkoutAttempt(filename, user, message, attemptsLeft - 1)
        : Future.failedFuture(e == Retry.INSTANCE ? Retry.conflict() : e));
  }

  /** {filename, user, message, major?, keepLocked?, staged} -> FileInfo at the new revision. */
  Future<JsonObject> checkin(Request r) {
    StagedUpload staged = r.stagedOrNull();
    Future<Void> stored = attempt(() -> {
      r.required("filename");
      r.required("user");
      r.text("message", true);
      r.flag("major");
      r.flag("keepLocked");
      Access.requireClaimedRole(r.optional("role"), Roles.PROGRAMMER);
      if (staged == null) {
        throw new PdmError(ErrorCode.BAD_REQUEST, "The upload is missing");
      }
      return r.required("filename");
    })
      // Refuse before storing content when the caller does not hold the lock.
      .compose(filename -> find(pool, filename).compose(row -> LockRules.holderRefusal(filename, row,
        r.required("user")).<Future<Void>>map(Future::failedFuture).orElseGet(Future::succeededFuture)))
      .compose(v -> ingest(staged));
    return discardOnFailure(stored, staged)
      .compose(v -> pool.withTransaction(conn -> newRevision(conn, r, staged)))
      .map(events::publish);
  }

  private Future<Change> newRevision(SqlConnection conn, Request r, StagedUpload staged) {
    String filename = r.required("filename");
    String user = r.required("user");
    String message = r.text("message", true);
    boolean major = r.flag("major");
    boolean keepLocked = r.flag("keepLocked");
    long now = clock.millis();
    return Database.run(conn, Sql.FILE_BY_NAME_FOR_UPDATE, Map.of("filename", filename))
      .map(Rows::firstFile)
      .compose(row -> {
        var refusal = LockRules.holderRefusal(filename, row, user);
        if (refusal.isPresent()) {
          return Future.failedFuture(refusal.get());
        }
        Revision next = Revision.parse(row.revision()).next(major);
        return Database.run(conn, dialect.returning(Sql.NEW_CONTENT), Params.of("filename", filename,
            "revision", next.toString(), "size", staged.size(), "sha256", staged.sha256(), "now", now,
            "lockedBy", keepLocked ? row.lockedBy() : null, "lockedAt", keepLocked ? row.lockedAt() : null,
            "lockMessage", keepLocked ? row.lockMessage() : null))
          .map(Rows::firstFile)
          .compose(updated -> insertRevision(conn, filename, next, user, now, message, staged)
            .compose(v -> registry.recordHere(conn, staged.sha256()))
            .compose(v -> events.append(conn, EventTypes.CHECKIN, filename, user, now, next.toString(), message,
              new JsonObject().put("major", major).put("keepLocked", keepLocked).put("size", staged.size()),
              updated.toJson()))
            .map(event -> new Change(updated.toJson(), event)));
      });
  }

  /** {filename, user} -> FileInfo; only the lock holder may cancel. */
  Future<JsonObject> cancel(Request r) {
    String filename = r.required("filename");
    String user = r.required("user");
    long now = clock.millis();
    return pool.withTransaction(conn -> Database.run(conn, dialect.returning(Sql.RELEASE),
        Params.of("filename", filename, "holder", user))
      .compose(rows -> {
        if (rows.size() == 1) {
          FileRow row = Rows.firstFile(rows);
          return events.append(conn, EventTypes.CANCEL, filename, user, now, row.revision(), null,
            new JsonObject(), row.toJson()).map(event -> new Change(row.toJson(), event));
        }
        return find(conn, filename).compose(row -> Future.<Change>failedFuture(
          LockRules.holderRefusal(filename, row, user).orElseGet(Retry::conflict)));
      }))
      .map(events::publish);
  }

  /** {filename, user, role, reason} (admin) -> FileInfo; the former holder is notified. */
  Future<JsonObject> override(Request r) {
    String filename = r.required("filename");
    String user = r.required("user");
    String claimedRole = r.optional("role");
    return access.requireAdmin(user, claimedRole)
      .compose(v -> attempt(() -> r.text("reason", true)))
      .compose(reason -> {
        long now = clock.millis();
        return pool.withTransaction(conn -> Database.run(conn, Sql.FILE_BY_NAME_FOR_UPDATE,
            Map.of("filename", filename))
          .map(Rows::firstFile)
          .compose(row -> {
            var refusal = LockRules.overrideRefusal(filename, row);
            if (refusal.isPresent()) {
              return Future.failedFuture(refusal.get());
            }
            String former = row.lockedBy();
            return Database.run(conn, dialect.returning(Sql.RELEASE), Params.of("filename", filename,
                "holder", former))
              .map(Rows::firstFile)
              .compose(updated -> events.append(conn, EventTypes.OVERRIDE, filename, user, now, updated.revision(),
                  reason, new JsonObject().put("formerHolder", former).put("reason", reason), updated.toJson())
                .map(event -> new Change(updated.toJson(), event,
                  new Notification(former, user, "override", filename,
                    user + " overrode your checkout of " + filename + ": " + reason, FileRow.iso(now)))));
          }));
      })
      .map(events::publish);
  }

  /** {filename, user, role} (admin) -> FileInfo; soft delete, refused while checked out. */
  Future<JsonObject> delete(Request r) {
    return adminFlag(r, Sql.DELETE, EventTypes.DELETE, LockRules::deleteRefusal);
  }

  /** {filename, user, role} (admin) -> FileInfo; brings a deleted file back. */
  Future<JsonObject> restore(Request r) {
    return adminFlag(r, Sql.RESTORE, EventTypes.RESTORE, LockRules::restoreRefusal);
  }

  private interface Refusal {
    java.util.Optional<PdmError> of(String filename, FileRow row);
  }

  private Future<JsonObject> adminFlag(Request r, String update, String type, Refusal refusal) {
    String filename = r.required("filename");
    String user = r.required("user");
    return access.requireAdmin(user, r.optional("role"))
      .compose(v -> {
        long now = clock.millis();
        return pool.withTransaction(conn -> Database.run(conn, dialect.returning(update),
            Map.of("filename", filename))
          .compose(rows -> {
            if (rows.size() == 1) {
              FileRow row = Rows.firstFile(rows);
              return events.append(conn, type, filename, user, now, row.revision(), null, new JsonObject(),
                row.toJson()).map(event -> new Change(row.toJson(), event));
            }
            return find(conn, filename).compose(row -> Future.<Change>failedFuture(
              refusal.of(filename, row).orElseGet(Retry::conflict)));
          }));
      })
      .map(events::publish);
  }

  /**
   * {filename, replicas?} -> {filename, revisions: [RevisionInfo] newest first}; with replicas each
   * revision also names the nodes holding its content.
   */
  Future<JsonObject> history(Request r) {
    String filename = r.required("filename");
    boolean withReplicas = r.flag("replicas");
    return find(pool, filename).compose(row -> {
      if (row == null) {
        return Future.failedFuture(LockRules.notFound(filename));
      }
      Future<Map<String, List<String>>> replicas = withReplicas ? registry.replicasOfFile(filename)
        : Future.succeededFuture(null);
      return replicas.compose(holders -> Database.run(pool, Sql.REVISIONS_OF, Map.of("filename", filename))
        .map(rows -> {
          JsonArray revisions = new JsonArray();
          rows.forEach(rev -> {
            RevisionInfo info = Rows.revision(rev);
            JsonObject json = JsonObject.mapFrom(info);
            if (holders != null) {
              json.put("replicas", new JsonArray(holders.getOrDefault(info.sha256(), List.of())));
            }
            revisions.add(json);
          });
          return new JsonObject().put("filename", filename).put("revisions", revisions);
        }));
    });
  }

  /** {filename, rev?} -> BlobLocation of that revision (the current one without rev). */
  Future<JsonObject> content(Request r) {
    String filename = r.required("filename");
    String rev = r.optional("rev");
    return revisionOf(filename, rev == null || rev.isBlank() ? null : Revision.parse(rev))
      .compose(info -> local(filename, info)
        .map(v -> JsonObject.mapFrom(new BlobLocation(filename, info.revision(),
          blobs.pathOf(info.sha256()).toString(), info.size(), info.sha256()))));
  }

  /** The revision's content in this node's store, fetched from another node when it is not. */
  private Future<Void> local(String filename, RevisionInfo info) {
    return fetcher.ensureLocal(info.sha256(), info.size())
      .recover(e -> Future.failedFuture(new PdmError(ErrorCode.UNAVAILABLE, "The content of " + filename + " "
        + info.revision() + " is not on this node and no other node could provide it")));
  }

  /** {filename, from, to} -> {filename, from, to, diff}; 415 for binary, 413 above 20 MB. */
  Future<JsonObject> diff(Request r) {
    String filename = r.required("filename");
    Revision from = Revision.parse(r.required("from"));
    Revision to = Revision.parse(r.required("to"));
    return revisionOf(filename, from).compose(a -> revisionOf(filename, to).compose(b -> {
      if (a.size() > TextDiff.MAX_BYTES || b.size() > TextDiff.MAX_BYTES) {
        return Future.failedFuture(new PdmError(ErrorCode.PAYLOAD_TOO_LARGE,
          "Revisions larger than 20 MB are not compared"));
      }
      return local(filename, a).compose(v -> local(filename, b))
        .compose(v -> vertx.executeBlocking(() -> TextDiff.unified(filename, a.revision(), blobs.read(a.sha256()),
          b.revision(), blobs.read(b.sha256()))))
        .map(diff -> new JsonObject().put("filename", filename).put("from", a.revision())
          .put("to", b.revision()).put("diff", diff));
    }));
  }

  /** The given revision of a file (its current one when rev is null); 404 for unknown ones. */
  private Future<RevisionInfo> revisionOf(String filename, Revision rev) {
    return find(pool, filename).compose(row -> {
      if (row == null) {
        return Future.failedFuture(LockRules.notFound(filename));
      }
      String wanted = rev == null ? row.revision() : rev.toString();
      return Database.run(pool, Sql.REVISION, Map.of("filename", filename, "revision", wanted))
        .compose(rows -> rows.size() == 1
          ? Future.succeededFuture(Rows.revision(rows.iterator().next()))
          : Future.failedFuture(new PdmError(ErrorCode.NOT_FOUND,
            "File " + filename + " has no revision " + wanted)));
    });
  }

  /** Staged content into the blob store; the staged file is deleted if anything before this fails. */
  private Future<Void> ingest(StagedUpload staged) {
    return vertx.<Void>executeBlocking(() -> {
      blobs.ingest(staged);
      return null;
    });
  }

  /** When validation or storing fails, the staged upload is deleted and the failure passed on. */
  private Future<Void> discardOnFailure(Future<Void> stored, StagedUpload staged) {
    return stored.recover(e -> vertx.<Void>executeBlocking(() -> {
      blobs.discard(staged);
      return null;
    }).transform(ignored -> Future.failedFuture(e)));
  }

  private Future<JsonObject> json(FileRow row) {
    return Future.succeededFuture(row.toJson());
  }

  private Future<Void> insertRevision(SqlConnection conn, String filename, Revision rev, String user, long now,
                                      String message, StagedUpload staged) {
    return Database.run(conn, Sql.INSERT_REVISION, Params.of("filename", filename, "revision", rev.toString(),
      "major", rev.major(), "minor", rev.minor(), "author", user, "now", now, "message", message,
      "size", staged.size(), "sha256", staged.sha256())).mapEmpty();
  }

  static Future<FileRow> find(SqlClient client, String filename) {
    return Database.run(client, Sql.FILE_BY_NAME, Map.of("filename", filename)).map(Rows::firstFile);
  }

  /** Case-insensitive identity of a name, so "A.nc" and "a.nc" cannot both exist (Windows clients). */
  static String nameKey(String filename) {
    return java.text.Normalizer.normalize(filename, java.text.Normalizer.Form.NFC).toLowerCase(Locale.ROOT);
  }

  static <T> Future<T> attempt(Supplier<T> work) {
    try {
      return Future.succeededFuture(work.get());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** A lost race that is worth one more try (the row changed between update and explanation). */
  static final class Retry {
    static final PdmError INSTANCE = new PdmError(ErrorCode.CONFLICT, "retry");

    static PdmError conflict() {
      return new PdmError(ErrorCode.CONFLICT, "The file changed meanwhile; please try again");
    }

    private Retry() {
    }
  }
}
