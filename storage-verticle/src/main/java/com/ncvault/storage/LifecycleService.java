package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.Lifecycle;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageApi.AuditEntry;
import com.ncvault.contract.StorageApi.AuditQuery;
import com.ncvault.contract.StorageApi.AuditTrail;
import com.ncvault.contract.StorageApi.Credentials;
import com.ncvault.contract.StorageApi.ReleasedRevision;
import com.ncvault.contract.StorageApi.Transition;
import com.ncvault.contract.StorageLimits;
import com.ncvault.contract.UserInfo;
import com.ncvault.storage.GroupCommit.Outcome;
import com.ncvault.storage.GroupCommit.PendingEvent;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

/**
 * The lifecycle of files (docs/lifecycle.md): transitions as the configured {@link Lifecycle} allows
 * them, a release as an electronic signature, the released revision and the audit trail. Every
 * refusal is decided before anything is written; a transition is committed with its event and its
 * row in {@code transitions} in one group commit, and only from the state it was decided for.
 */
final class LifecycleService {

  private final Pool pool;
  private final GroupCommit commits;
  private final Lifecycle lifecycle;
  private final Function<Credentials, Future<UserInfo>> passwords;
  private final Clock clock;

  /** {@code passwords}: checks a user's password (bcrypt on the crypto lane), 401 when wrong. */
  LifecycleService(Database db, GroupCommit commits, Lifecycle lifecycle,
                   Function<Credentials, Future<UserInfo>> passwords, Clock clock) {
    this.pool = db.pool();
    this.commits = commits;
    this.lifecycle = lifecycle;
    this.passwords = passwords;
    this.clock = clock;
  }

  Future<FileInfo> transition(Transition r) {
    String filename = r.filename();
    return FileService.find(pool, filename).compose(row -> {
      if (row == null || row.deleted()) {
        return Future.failedFuture(LockRules.notFound(filename));
      }
      Lifecycle.Rule rule = lifecycle.rule(row.state(), r.to()).orElse(null);
      if (rule == null) {
        return Future.failedFuture(notAllowed(row.state(), r.to()));
      }
      if (r.role() != null && !Roles.atLeast(r.role(), rule.role())) {
        return Future.failedFuture(forbidden(rule));
      }
      if (rule.comment() && r.comment() == null) {
        return Future.failedFuture(new PdmError(ErrorCode.COMMENT_REQUIRED, "Moving a file from " + rule.from()
          + " to " + rule.to() + " needs a comment", new JsonObject().put("field", "comment")));
      }
      return signer(r, rule)
        .compose(storedRole -> Roles.atLeast(storedRole, rule.role()) ? Future.<Void>succeededFuture()
          : Future.failedFuture(forbidden(rule)))
        .compose(v -> commits.submit(filename, tx -> commit(tx, r, rule)));
    });
  }

  /**
   * The acting user's stored role: for a signature, from checking their password (403 bad_signature
   * when it is wrong or missing); otherwise as the users table has it.
   */
  private Future<String> signer(Transition r, Lifecycle.Rule rule) {
    if (!rule.signature()) {
      return Database.run(pool, Sql.USER, Map.of("username", r.user()))
        .map(rows -> rows.size() == 1 ? rows.iterator().next().getString("role") : "");
    }
    if (r.password() == null || r.password().isEmpty()) {
      return Future.failedFuture(badSignature("Releasing is a signature: enter your password"));
    }
    return passwords.apply(new Credentials(r.user(), r.password()))
      .map(UserInfo::role)
      .recover(e -> Future.failedFuture(e instanceof PdmError error && error.code() == ErrorCode.UNAUTHENTICATED
        ? badSignature("The password is not yours: the file was not released") : e));
  }

  private Future<Outcome<FileInfo>> commit(Tx tx, Transition r, Lifecycle.Rule rule) {
    String filename = r.filename();
    long now = clock.millis();
    return tx.row(Sql.FILE_BY_NAME_FOR_UPDATE, Map.of("filename", filename)).map(Rows::file).compose(row -> {
      // decided above from a read outside the commit: the file may have moved meanwhile
      if (row == null || row.deleted()) {
        return Future.failedFuture(LockRules.notFound(filename));
      }
      if (!row.state().equals(rule.from())) {
        return Future.failedFuture(notAllowed(row.state(), r.to()));
      }
      String released = Lifecycle.RELEASED.equals(r.to()) ? row.revision()
        : Lifecycle.OBSOLETE.equals(r.to()) ? null : row.releasedRevision();
      return tx.update(Sql.SET_STATE, Params.of("to", r.to(), "released", released, "filename", filename,
          "from", rule.from()))
        .compose(v -> tx.update(Sql.INSERT_TRANSITION, Params.of("id", UUID.randomUUID().toString(),
          "filename", filename, "from", rule.from(), "to", r.to(), "revision", row.revision(), "sha256", row.sha256(),
          "user", r.user(), "now", now, "comment", r.comment(), "signed", rule.signature())))
        .compose(v -> tx.row(Sql.FILE_BY_NAME, Map.of("filename", filename)))
        .map(Rows::file)
        .map(updated -> new Outcome<>(updated.toInfo(), new PendingEvent(EventTypes.TRANSITION, filename, r.user(),
          now, row.revision(), r.comment(), new JsonObject().put("from", rule.from()).put("to", r.to())
          .put("signed", rule.signature()).put("sha256", row.sha256()), updated.toJson())));
    });
  }

  Future<ReleasedRevision> released(String name) {
    String filename = StorageLimits.filename(name);
    return FileService.find(pool, filename).compose(row -> {
      if (row == null || row.deleted()) {
        return Future.failedFuture(LockRules.notFound(filename));
      }
      if (row.releasedRevision() == null) {
        return Future.failedFuture(new PdmError(ErrorCode.NOT_RELEASED, filename + " has no released revision"));
      }
      return Database.run(pool, Sql.REVISION, Map.of("filename", filename, "revision", row.releasedRevision()))
        .map(rows -> Rows.revision(rows.iterator().next()))
        .compose(rev -> Database.run(pool, Sql.RELEASE_OF, Map.of("filename", filename, "revision", rev.revision()))
          .map(rows -> {
            var signed = rows.size() == 0 ? null : rows.iterator().next();
            return new ReleasedRevision(filename, rev.revision(), rev.sha256(), rev.size(),
              signed == null ? null : signed.getString("username"),
              signed == null ? null : FileRow.iso(Rows.num(signed, "created_at")));
          }));
    });
  }

  Future<AuditTrail> audit(AuditQuery q) {
    int limit = StorageLimits.MAX_AUDIT_ENTRIES;
    return Database.run(pool, Sql.AUDIT, Map.of("from", q.fromMs(), "to", q.toMs(), "limit", limit + 1))
      .map(rows -> {
        List<AuditEntry> entries = new ArrayList<>();
        rows.forEach(row -> entries.add(new AuditEntry(FileRow.iso(Rows.num(row, "created_at")),
          row.getString("kind"), row.getString("filename"), row.getString("revision"), row.getString("sha256"),
          row.getString("username"), row.getString("from_state"), row.getString("to_state"),
          Boolean.TRUE.equals(row.getBoolean("signed")), row.getString("comment"), row.getString("machine"),
          row.getValue("finished_at") == null ? null : FileRow.iso(Rows.num(row, "finished_at")),
          row.getValue("bytes") == null ? null : Rows.num(row, "bytes"), row.getString("result"))));
        boolean truncated = entries.size() > limit;
        return new AuditTrail(truncated ? List.copyOf(entries.subList(0, limit)) : List.copyOf(entries), truncated);
      });
  }

  private PdmError notAllowed(String from, String to) {
    return new PdmError(ErrorCode.TRANSITION_NOT_ALLOWED, "A file in " + from + " cannot move to " + to,
      new JsonObject().put("state", from).put("allowed", new io.vertx.core.json.JsonArray(lifecycle.targets(from))));
  }

  private static PdmError forbidden(Lifecycle.Rule rule) {
    return new PdmError(ErrorCode.FORBIDDEN, "Moving a file from " + rule.from() + " to " + rule.to()
      + " needs the role " + rule.role());
  }

  private static PdmError badSignature(String message) {
    return new PdmError(ErrorCode.BAD_SIGNATURE, message);
  }
}
