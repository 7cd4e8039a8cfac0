package com.ncvault.storage;

import com.ncvault.contract.BlobLocation;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.Notification;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.RevisionInfo;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StagedUpload;
import com.ncvault.contract.StorageApi.Checkin;
import com.ncvault.contract.StorageApi.Checkout;
import com.ncvault.contract.StorageApi.ContentQuery;
import com.ncvault.contract.StorageApi.CreateFile;
import com.ncvault.contract.StorageApi.Diff;
import com.ncvault.contract.StorageApi.DiffQuery;
import com.ncvault.contract.StorageApi.FileAction;
import com.ncvault.contract.StorageApi.FileList;
import com.ncvault.contract.StorageApi.History;
import com.ncvault.contract.StorageApi.HistoryQuery;
import com.ncvault.contract.StorageApi.ListFiles;
import com.ncvault.contract.StorageApi.OverrideLock;
import com.ncvault.contract.StorageApi.StateChange;
import com.ncvault.contract.StorageApi.UploadAdmission;
import com.ncvault.contract.StorageLimits;
import com.ncvault.storage.GroupCommit.Outcome;
import com.ncvault.storage.GroupCommit.PendingEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The file operations: list, create, checkout, check-in, cancel, override, delete, restore,
 * history, content, diff. Each change runs in a group commit ({@link GroupCommit}) that also
 * records its event; events are published only after the commit.
 */
final class FileService {

  private static final int CHECKOUT_ATTEMPTS = 3;

  /** Diffs kept per (file, from, to), whose revisions never change; bounded by their total length. */
  private static final long DIFF_CACHE_CHARS = 16L * 1024 * 1024;

  private final Lanes lanes;
  private final Pool pool;
  private final Dialect dialect;
  private final BlobStore blobs;
  private final FilenameRules names;
  private final GroupCommit commits;
  private final FileListCache listCache;
  private final Access access;
  private final NodeRegistry registry;
  private final BlobFetcher fetcher;
  private final ProgramFactsService programs;
  private final Clock clock;

  private final Map<String, Diff> diffs = new LinkedHashMap<>(16, 0.75f, true);
  private final Map<String, PdmError> tooComplex = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, PdmError> eldest) {
      return size() > 1000;
    }
  };
  private long diffChars;

  FileService(Lanes lanes, Database db, BlobStore blobs, FilenameRules names, GroupCommit commits, Access access,
              NodeRegistry registry, BlobFetcher fetcher, ProgramFactsService programs, Clock clock) {
    this.lanes = lanes;
    this.pool = db.pool();
    this.dialect = db.dialect();
    this.blobs = blobs;
    this.names = names;
    this.commits = commits;
    this.listCache = new FileListCache(db, lanes.blob(), programs::matching);
    this.access = access;
    this.registry = registry;
    this.fetcher = fetcher;
    this.programs = programs;
    this.clock = clock;
  }

  /** The list grouped by part number, from the per-seq snapshot (see {@link FileListCache}). */
  Future<FileList> list(ListFiles query) {
    return listCache.list(query);
  }

  Future<FileInfo> get(String filename) {
    return find(pool, StorageLimits.filename(filename))
      .compose(row -> row == null ? Future.failedFuture(LockRules.notFound(filename)) : Future.succeededFuture(row.toInfo()));
  }

  /** Before an upload: a new file's name valid and free, or the check-in's lock held by the user. */
  Future<Void> admit(UploadAdmission r) {
    return attempt(() -> {
      Access.requireClaimedRole(r.role(), Roles.PROGRAMMER);
      if (r.newFile()) {
        names.require(r.filename());
      }
      return r.filename();
    }).compose(filename -> r.newFile()
      ? Database.run(pool, Sql.FILE_BY_KEY, Map.of("key", nameKey(filename)))
        .compose(rows -> rows.size() == 0 ? Future.<Void>succeededFuture() : Future.failedFuture(exists(rows)))
      : find(pool, filename).compose(row -> LockRules.checkinRefusal(filename, row, r.user(), r.lockId())
        .<Future<Void>>map(Future::failedFuture).orElseGet(Future::succeededFuture)));
  }

  /** A new file at revision 1.0; the staged upload is consumed or deleted. */
  Future<FileInfo> create(CreateFile r) {
    StagedUpload staged = r.staged();
    Future<Void> stored = attempt(() -> {
      names.require(r.filename());
      Access.requireClaimedRole(r.role(), Roles.PROGRAMMER);
      return r.filename();
    })
      .compose(filename -> Database.run(pool, Sql.FILE_BY_KEY, Map.of("key", nameKey(filename)))
        .compose(rows -> rows.size() == 0 ? Future.succeededFuture() : Future.failedFuture(exists(rows))))
      .compose(v -> ingest(staged));
    return discardOnFailure(stored, staged)
      .compose(v -> commits.submit(r.filename(), tx -> insertNew(tx, r)))
      .recover(e -> Future.failedFuture(Dialect.isUniqueViolation(e)
        ? new PdmError(ErrorCode.ALREADY_EXISTS, "A file with this name exists already") : e));
  }

  private static PdmError exists(RowSet<Row> rows) {
    Row row = rows.iterator().next();
    return exists(row.getString("filename"), Boolean.TRUE.equals(row.getBoolean("deleted")));
  }

  private static PdmError exists(String filename, boolean deleted) {
    return new PdmError(ErrorCode.ALREADY_EXISTS, deleted
      ? "A deleted file named " + filename + " exists; an admin can restore it"
      : "A file named " + filename + " exists already",
      new JsonObject().put("existing", filename));
  }

  private Future<Outcome<FileInfo>> insertNew(Tx tx, CreateFile r) {
    StagedUpload staged = r.staged();
    String filename = r.filename();
    String message = r.message() == null ? "Initial upload" : r.message();
    long now = clock.millis();
    Revision rev = Revision.FIRST;
    // Looked up again inside the commit: a file of that name may have been committed since the check.
    return tx.row(Sql.FILE_BY_KEY, Map.of("key", nameKey(filename)))
      .compose(existing -> existing != null
        ? Future.failedFuture(exists((String) existing.get("filename"), Boolean.TRUE.equals(existing.get("deleted"))))
        : tx.update(Sql.INSERT_FILE, Params.of("filename", filename, "key", nameKey(filename),
          "grp", StorageLimits.groupOf(filename), "description", r.description() == null ? "" : r.description(),
          "revision", rev.toString(), "size", staged.size(), "sha256", staged.sha256(), "now", now)))
      .compose(v -> insertRevision(tx, filename, rev, r.user(), now, message, staged))
      .compose(v -> registry.recordHere(tx, staged.sha256()))
      .compose(v -> find(tx, filename))
      .map(row -> new Outcome<>(row.toInfo(), new PendingEvent(EventTypes.CREATE, filename, r.user(), now,
        rev.toString(), message, new JsonObject().put("size", staged.size()), row.toJson())));
  }

  /** One conditional update decides the winner. */
  Future<FileInfo> checkout(Checkout r) {
    Access.requireClaimedRole(r.role(), Roles.PROGRAMMER);
    return commits.submit(r.filename(), tx -> checkoutAttempt(tx, r, CHECKOUT_ATTEMPTS));
  }

  private Future<Outcome<FileInfo>> checkoutAttempt(Tx tx, Checkout r, int attemptsLeft) {
    String filename = r.filename();
    long now = clock.millis();
    return tx.row(dialect.returning(Sql.CHECKOUT), Params.of("user", r.user(), "now", now, "message", r.message(),
        "filename", filename, "lockId", java.util.UUID.randomUUID().toString()))
      .compose(updated -> {
        if (updated != null) {
          FileRow row = Rows.file(updated);
          return Future.succeededFuture(new Outcome<>(row.toInfo(), new PendingEvent(EventTypes.CHECKOUT, filename,
            r.user(), now, row.revision(), r.message(), new JsonObject(), row.toJson())));
        }
        // Not updated: say why. A row that looks free was released by another node meanwhile: try again.
        return find(tx, filename).compose(row -> {
          var refusal = LockRules.checkoutRefusal(filename, row);
          if (refusal.isPresent()) {
            return Future.failedFuture(refusal.get());
          }
          return attemptsLeft > 1 ? checkoutAttempt(tx, r, attemptsLeft - 1) : Future.failedFuture(Retry.conflict());
        });
      });
  }

  /**
   * A new revision; refused before the content is stored when the caller does not hold the lock (the
   * one the check-in names, when it names one), and again in the commit.
   */
  Future<FileInfo> checkin(Checkin r) {
    StagedUpload staged = r.staged();
    Future<Void> stored = attempt(() -> {
      Access.requireClaimedRole(r.role(), Roles.PROGRAMMER);
      return r.filename();
    })
      .compose(filename -> find(pool, filename).compose(row -> LockRules.checkinRefusal(filename, row,
        r.user(), r.lockId()).<Future<Void>>map(Future::failedFuture).orElseGet(Future::succeededFuture)))
      .compose(v -> ingest(staged));
    return discardOnFailure(stored, staged)
      .compose(v -> commits.submit(r.filename(), tx -> newRevision(tx, r)));
  }

  private Future<Outcome<FileInfo>> newRevision(Tx tx, Checkin r) {
    String filename = r.filename();
    String user = r.user();
    StagedUpload staged = r.staged();
    long now = clock.millis();
    return tx.row(Sql.FILE_BY_NAME_FOR_UPDATE, Map.of("filename", filename))
      .map(Rows::file)
      .compose(row -> {
        // Checked again under the row lock: the lock may have ended while the content was stored.
        var refusal = LockRules.checkinRefusal(filename, row, user, r.lockId());
        if (refusal.isPresent()) {
          return Future.failedFuture(refusal.get());
        }
        Revision next = Revision.parse(row.revision()).next(r.major());
        boolean keep = r.keepLocked();
        // a new revision is a draft; the released one stays released until this one is
        return tx.update(Sql.CHECKIN_STATE, Map.of("filename", filename))
          .compose(v -> tx.row(dialect.returning(Sql.NEW_CONTENT), Params.of("filename", filename,
            "revision", next.toString(), "size", staged.size(), "sha256", staged.sha256(), "now", now,
            "lockedBy", keep ? row.lockedBy() : null, "lockedAt", keep ? row.lockedAt() : null,
            "lockMessage", keep ? row.lockMessage() : null, "lockId", keep ? row.lockId() : null)))
          .map(Rows::file)
          .compose(updated -> insertRevision(tx, filename, next, user, now, r.message(), staged)
            .compose(v -> registry.recordHere(tx, staged.sha256()))
            .map(v -> new Outcome<>(updated.toInfo(), new PendingEvent(EventTypes.CHECKIN, filename, user, now,
              next.toString(), r.message(),
              new JsonObject().put("major", r.major()).put("keepLocked", keep).put("size", staged.size()),
              updated.toJson()))));
      });
  }

  /** Only the lock holder may cancel. */
  Future<FileInfo> cancel(FileAction r) {
    String filename = r.filename();
    String user = r.user();
    return commits.submit(filename, tx -> {
      long now = clock.millis();
      return tx.row(dialect.returning(Sql.RELEASE), Params.of("filename", filename, "holder", user))
        .compose(released -> {
          if (released != null) {
            FileRow row = Rows.file(released);
            return Future.succeededFuture(new Outcome<>(row.toInfo(), new PendingEvent(EventTypes.CANCEL, filename,
              user, now, row.revision(), null, new JsonObject(), row.toJson())));
          }
          return find(tx, filename).compose(row -> Future.failedFuture(
            LockRules.holderRefusal(filename, row, user).orElseGet(Retry::conflict)));
        });
    });
  }

  /** Admin: breaks a lock with a reason; the former holder is notified. */
  Future<FileInfo> override(OverrideLock r) {
    String filename = r.filename();
    String user = r.user();
    String reason = r.reason();
    return access.requireAdmin(user, r.role()).compose(v -> commits.submit(filename, tx -> {
      long now = clock.millis();
      return tx.row(Sql.FILE_BY_NAME_FOR_UPDATE, Map.of("filename", filename))
        .map(Rows::file)
        .compose(row -> {
          var refusal = LockRules.overrideRefusal(filename, row);
          if (refusal.isPresent()) {
            return Future.failedFuture(refusal.get());
          }
          String former = row.lockedBy();
          return tx.row(dialect.returning(Sql.RELEASE), Params.of("filename", filename, "holder", former))
            .map(Rows::file)
            .map(updated -> new Outcome<>(updated.toInfo(),
              new PendingEvent(EventTypes.OVERRIDE, filename, user, now, updated.revision(), reason,
                new JsonObject().put("formerHolder", former).put("reason", reason), updated.toJson()),
              new Notification(former, user, Notification.KIND_OVERRIDE, filename,
                user + " overrode your checkout of " + filename + ": " + reason, FileRow.iso(now))));
        });
    }));
  }

  /** Admin: soft delete, refused while checked out. */
  Future<FileInfo> delete(FileAction r) {
    return adminFlag(r, Sql.DELETE, EventTypes.DELETE, LockRules::deleteRefusal);
  }

  /** Admin: brings a deleted file back. */
  Future<FileInfo> restore(FileAction r) {
    return adminFlag(r, Sql.RESTORE, EventTypes.RESTORE, LockRules::restoreRefusal);
  }

  private interface Refusal {
    java.util.Optional<PdmError> of(String filename, FileRow row);
  }

  private Future<FileInfo> adminFlag(FileAction r, String update, String type, Refusal refusal) {
    String filename = r.filename();
    String user = r.user();
    return access.requireAdmin(user, r.role()).compose(v -> commits.submit(filename, tx -> {
      long now = clock.millis();
      return tx.row(dialect.returning(update), Map.of("filename", filename)).compose(changed -> {
        if (changed != null) {
          FileRow row = Rows.file(changed);
          return Future.succeededFuture(new Outcome<>(row.toInfo(), new PendingEvent(type, filename, user, now,
            row.revision(), null, new JsonObject(), row.toJson())));
        }
        return find(tx, filename).compose(row -> Future.failedFuture(
          refusal.of(filename, row).orElseGet(Retry::conflict)));
      });
    }));
  }

  /** Revisions newest first; with replicas each names the nodes holding its content. */
  Future<History> history(HistoryQuery r) {
    String filename = r.filename();
    return find(pool, filename).compose(row -> {
      if (row == null) {
        return Future.failedFuture(LockRules.notFound(filename));
      }
      Future<Map<String, List<String>>> replicas = r.replicas() ? registry.replicasOfFile(filename)
        : Future.succeededFuture(null);
      Future<List<StateChange>> transitions = Database.run(pool, Sql.TRANSITIONS_OF, Map.of("filename", filename))
        .map(rows -> {
          List<StateChange> changes = new ArrayList<>();
          rows.forEach(t -> changes.add(Rows.stateChange(t)));
          return List.copyOf(changes);
        });
      return replicas.compose(holders -> Database.run(pool, Sql.REVISIONS_OF, Map.of("filename", filename))
        .map(rows -> {
          List<RevisionInfo> revisions = new ArrayList<>();
          rows.forEach(rev -> {
            RevisionInfo info = Rows.revision(rev);
            revisions.add(holders == null ? info : info.withReplicas(holders.getOrDefault(info.sha256(), List.of())));
          });
          return List.copyOf(revisions);
        }))
        .compose(revisions -> transitions.map(changes -> new History(filename, revisions, changes)));
    });
  }

  /** Where the content of a revision (the current one without rev) lies on this node. */
  Future<BlobLocation> content(ContentQuery r) {
    String filename = r.filename();
    return attempt(() -> r.rev() == null ? null : Revision.parse(r.rev()))
      .compose(rev -> revisionOf(filename, rev))
      .compose(info -> local(filename, info)
        .map(v -> new BlobLocation(filename, info.revision(), blobs.pathOf(info.sha256()).toString(), info.size(),
          info.sha256())));
  }

  /** The revision's content in this node's store, fetched from another node when it is not. */
  private Future<Void> local(String filename, RevisionInfo info) {
    return fetcher.ensureLocal(info.sha256(), info.size())
      .recover(e -> Future.failedFuture(new PdmError(ErrorCode.UNAVAILABLE, "The content of " + filename + " "
        + info.revision() + " is not on this node and no other node could provide it")));
  }

  /**
   * Unified diff of two revisions, in the diff lane with its time budget; 415 for binary, 413 above
   * 20 MB, 422 when the comparison would exceed its budget, 503 when the lane's backlog is full.
   * Answers (and 422 verdicts) are kept per (file, from, to).
   */
  Future<Diff> diff(DiffQuery r) {
    String filename = r.filename();
    return attempt(() -> new Revision[] {Revision.parse(r.from()), Revision.parse(r.to())})
      .compose(revs -> revisionOf(filename, revs[0]).compose(a -> revisionOf(filename, revs[1]).compose(b -> {
        String key = filename + "@" + a.revision() + ".." + b.revision();
        Diff cached = diffs.get(key);
        if (cached != null) {
          return Future.succeededFuture(cached);
        }
        if (a.size() > TextDiff.MAX_BYTES || b.size() > TextDiff.MAX_BYTES) {
          return Future.failedFuture(new PdmError(ErrorCode.PAYLOAD_TOO_LARGE,
            "Revisions larger than 20 MB are not compared"));
        }
        PdmError refused = tooComplex.get(key);
        if (refused != null) {
          return Future.failedFuture(refused);
        }
        return local(filename, a).compose(v -> local(filename, b))
          .compose(v -> lanes.diff().tryRun(() -> TextDiff.unified(filename, a.revision(), blobs.read(a.sha256()),
            b.revision(), blobs.read(b.sha256()))))
          .map(text -> remember(key, new Diff(filename, a.revision(), b.revision(), text)))
          .onFailure(e -> {
            // The verdict stands for these revisions: asking again must not cost another budget.
            if (e instanceof PdmError error && error.code() == ErrorCode.TOO_COMPLEX) {
              tooComplex.put(key, error);
            }
          });
      })));
  }

  private Diff remember(String key, Diff diff) {
    if (diffs.put(key, diff) == null) {
      diffChars += diff.diff().length();
    }
    var oldest = diffs.entrySet().iterator();
    while (diffChars > DIFF_CACHE_CHARS && oldest.hasNext()) {
      diffChars -= oldest.next().getValue().diff().length();
      oldest.remove();
    }
    return diff;
  }

  /** A revision as a request names it (the current one when rev is null); 400 malformed, 404 unknown. */
  Future<RevisionInfo> revision(String filename, String rev) {
    return attempt(() -> rev == null ? null : Revision.parse(rev)).compose(parsed -> revisionOf(filename, parsed));
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
    return lanes.blob().run(() -> {
      blobs.ingest(staged);
      return null;
    });
  }

  /** When validation or storing fails, the staged upload is deleted and the failure passed on. */
  private Future<Void> discardOnFailure(Future<Void> stored, StagedUpload staged) {
    return stored.recover(e -> lanes.blob().run(() -> {
      blobs.discard(staged);
      return null;
    }).transform(ignored -> Future.failedFuture(e)));
  }

  private Future<Void> insertRevision(Tx tx, String filename, Revision rev, String user, long now,
                                      String message, StagedUpload staged) {
    return tx.update(Sql.INSERT_REVISION, Params.of("filename", filename, "revision", rev.toString(),
      "major", rev.major(), "minor", rev.minor(), "author", user, "now", now, "message", message,
      "size", staged.size(), "sha256", staged.sha256())).mapEmpty();
  }

  private static Future<FileRow> find(Tx tx, String filename) {
    return tx.row(Sql.FILE_BY_NAME, Map.of("filename", filename)).map(Rows::file);
  }

  static Future<FileRow> find(SqlClient client, String filename) {
    return Database.run(client, Sql.FILE_BY_NAME, Map.of("filename", filename)).map(Rows::firstFile);
  }

  /** The identity of a name on Windows and macOS (see {@link NameKey}), so "A.nc" and "a.nc" cannot both exist. */
  static String nameKey(String filename) {
    return NameKey.of(filename);
  }

  static <T> Future<T> attempt(Supplier<T> work) {
    try {
      return Future.succeededFuture(work.get());
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  /** A lost race that kept happening (the row changed between update and explanation). */
  static final class Retry {
    static PdmError conflict() {
      return new PdmError(ErrorCode.CONFLICT, "The file changed meanwhile; please try again");
    }

    private Retry() {
    }
  }
}
