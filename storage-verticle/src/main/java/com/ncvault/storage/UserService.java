package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageApi.Account;
import com.ncvault.contract.StorageApi.Credentials;
import com.ncvault.contract.StorageApi.NewUser;
import com.ncvault.contract.StorageApi.PasswordChange;
import com.ncvault.contract.StorageApi.RoleChange;
import com.ncvault.contract.StorageApi.UserAction;
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

/**
 * Users: authentication and the admin's user management. Changes append user_* events (no
 * file, never a password or hash). The vault always keeps at least one admin. Hashing runs in the
 * crypto lane (see {@link Lanes}).
 */
final class UserService {

  static final String SYSTEM = StorageLimits.SYSTEM_ACTOR;

  private final Pool pool;
  private final GroupCommit commits;
  private final Lane crypto;
  private final Access access;
  private final Clock clock;
  /** Verified against when the user is unknown, so a wrong name takes as long as a wrong password. */
  private final String dummyHash;

  private UserService(Database db, GroupCommit commits, Lane crypto, Access access, Clock clock, String dummyHash) {
    this.pool = db.pool();
    this.commits = commits;
    this.crypto = crypto;
    this.access = access;
    this.clock = clock;
    this.dummyHash = dummyHash;
  }

  static Future<UserService> create(Database db, GroupCommit commits, Lane crypto, Access access, Clock clock) {
    return crypto.run(() -> Passwords.hash(Passwords.random()))
      .map(dummy -> new UserService(db, commits, crypto, access, clock, dummy));
  }

  /** 401 for a wrong name or password, alike. */
  Future<UserInfo> authenticate(Credentials credentials) {
    String username = credentials.username();
    String password = credentials.password();
    if (username == null || password == null) {
      return Future.failedFuture(invalidLogin());
    }
    return Database.run(pool, Sql.USER, Map.of("username", username)).compose(rows -> {
      var row = rows.size() == 1 ? rows.iterator().next() : null;
      String hash = row == null ? dummyHash : row.getString("password_hash");
      return crypto.tryRun(() -> Passwords.verify(password, hash))
        .compose(ok -> ok && row != null
          ? Future.succeededFuture(Rows.user(row))
          : Future.failedFuture(invalidLogin()));
    });
  }

  private static PdmError invalidLogin() {
    return new PdmError(ErrorCode.UNAUTHENTICATED, "Invalid username or password");
  }

  /** The account with {@code sessionsSince}: tokens issued before that (epoch ms) are no longer good. */
  Future<Account> get(String name) {
    String username = StorageLimits.required("username", name);
    return Database.run(pool, Sql.USER, Map.of("username", username)).compose(rows -> {
      if (rows.size() != 1) {
        return Future.failedFuture(unknown(username));
      }
      var row = rows.iterator().next();
      return Future.succeededFuture(new Account(row.getString("username"), row.getString("role"),
        FileRow.iso(Rows.num(row, "created_at")), Rows.num(row, "sessions_since"), row.getString("account_id")));
    });
  }

  Future<List<UserInfo>> list() {
    return pool.query(Sql.ALL_USERS).execute().map(rows -> {
      List<UserInfo> users = new ArrayList<>();
      rows.forEach(row -> users.add(Rows.user(row)));
      return List.copyOf(users);
    });
  }

  /** Admin only. */
  Future<UserInfo> create(NewUser r) {
    String actor = r.actor();
    return access.requireAdmin(actor, null)
      .compose(v -> FileService.attempt(() -> {
        UserRules.requireUsername(r.username());
        UserRules.requireRole(r.role());
        UserRules.requirePassword(r.password());
        return r.username();
      }))
      .compose(username -> insert(actor, username, r.password(), r.role()));
  }

  /** Creates a user without an admin check: the first admin and the demo users at start. */
  Future<UserInfo> insert(String actor, String username, String password, String role) {
    return crypto.run(() -> Passwords.hash(password))
      .compose(hash -> commits.submit(key(username), tx -> tx.row(Sql.USER, Map.of("username", username))
        .compose(existing -> {
          if (existing != null) {
            return Future.failedFuture(new PdmError(ErrorCode.ALREADY_EXISTS,
              "A user named " + username + " exists already"));
          }
          long now = clock.millis();
          // random, never reused: a token of a deleted account of this name names another id
          String id = UUID.randomUUID().toString();
          return tx.update(Sql.INSERT_USER, Map.of("username", username, "hash", hash, "role", role, "now", now,
              "id", id))
            .map(v -> userEvent(EventTypes.USER_CREATED, actor, now, "Created user " + username,
              new JsonObject().put("username", username).put("role", role),
              new UserInfo(username, role, FileRow.iso(now), id)));
        })))
      .recover(e -> Future.failedFuture(Dialect.isUniqueViolation(e)
        ? new PdmError(ErrorCode.ALREADY_EXISTS, "A user named " + username + " exists already") : e));
  }

  /** Admin only; the last admin cannot be demoted. */
  Future<UserInfo> update(RoleChange r) {
    String actor = r.actor();
    return access.requireAdmin(actor, null)
      .compose(v -> FileService.attempt(() -> {
        UserRules.requireRole(r.role());
        return r.username();
      }))
      .compose(username -> commits.submit(key(username), tx -> lockAdmins(tx).compose(admins ->
        tx.row(Sql.USER_FOR_UPDATE, Map.of("username", username)).compose(row -> {
          if (row == null) {
            return Future.failedFuture(unknown(username));
          }
          String former = (String) row.get("role");
          String role = r.role();
          if (Roles.ADMIN.equals(former) && !Roles.ADMIN.equals(role) && admins <= 1) {
            return Future.failedFuture(new PdmError(ErrorCode.CONFLICT, "The last admin cannot lose the admin role"));
          }
          long now = clock.millis();
          return tx.update(Sql.UPDATE_ROLE, Map.of("username", username, "role", role))
            .map(u -> userEvent(EventTypes.USER_CHANGED, actor, now, "Changed the role of " + username + " to " + role,
              new JsonObject().put("username", username).put("role", role).put("formerRole", former),
              new UserInfo(username, role, FileRow.iso(Rows.number(row.get("created_at"))),
                (String) row.get("account_id"))));
        }))));
  }

  /** Admin only; ends the account's sessions. */
  Future<UserInfo> password(PasswordChange r) {
    String actor = r.actor();
    return access.requireAdmin(actor, null)
      .compose(v -> FileService.attempt(() -> {
        UserRules.requirePassword(r.password());
        return r.username();
      }))
      .compose(username -> setPassword(actor, username, r.password()));
  }

  /**
   * Sets a user's password (checked by the caller) and ends the user's sessions: tokens issued
   * before now are refused. Also the launcher's {@code --reset-admin-password}, as {@link #SYSTEM}.
   */
  Future<UserInfo> setPassword(String actor, String username, String password) {
    return Database.run(pool, Sql.USER, Map.of("username", username))
      .compose(rows -> rows.size() == 1 ? Future.succeededFuture() : Future.failedFuture(unknown(username)))
      .compose(v -> crypto.run(() -> Passwords.hash(password)))
      .compose(hash -> commits.submit(key(username), tx -> tx.row(Sql.USER_FOR_UPDATE, Map.of("username", username))
        .compose(row -> {
          if (row == null) {
            return Future.failedFuture(unknown(username));
          }
          long now = clock.millis();
          return tx.update(Sql.UPDATE_PASSWORD, Map.of("username", username, "hash", hash, "now", now))
            .map(u -> userEvent(EventTypes.USER_CHANGED, actor, now, "Set a new password for " + username,
              new JsonObject().put("username", username).put("passwordChanged", true),
              new UserInfo(username, (String) row.get("role"), FileRow.iso(Rows.number(row.get("created_at"))),
                (String) row.get("account_id"))));
        })));
  }

  /** Admin only; nobody deletes themselves or the last admin. */
  Future<Void> delete(UserAction r) {
    String actor = r.actor();
    String username = r.username();
    return access.requireAdmin(actor, null).compose(v -> {
      if (username.equals(actor)) {
        return Future.failedFuture(new PdmError(ErrorCode.CONFLICT, "You cannot delete yourself"));
      }
      return commits.<Void>submit(key(username), tx -> lockAdmins(tx).compose(admins ->
        tx.row(Sql.USER_FOR_UPDATE, Map.of("username", username)).compose(row -> {
          if (row == null) {
            return Future.failedFuture(unknown(username));
          }
          String role = (String) row.get("role");
          if (Roles.ADMIN.equals(role) && admins <= 1) {
            return Future.failedFuture(new PdmError(ErrorCode.CONFLICT, "The last admin cannot be deleted"));
          }
          long now = clock.millis();
          return tx.update(Sql.DELETE_USER, Map.of("username", username))
            // A later account of the same name starts without the deleted one's watches and notices.
            .compose(d -> tx.update(Sql.DELETE_USER_WATCHES, Map.of("username", username)))
            .compose(d -> tx.update(Sql.DELETE_USER_NOTICES, Map.of("username", username)))
            .map(d -> userEvent(EventTypes.USER_DELETED, actor, now, "Deleted user " + username,
              new JsonObject().put("username", username).put("role", role), (Void) null));
        })));
    });
  }

  Future<Long> count() {
    return pool.query(Sql.COUNT_USERS).execute().map(Rows::single);
  }

  /** Users sort after files in a group commit's lock order. */
  private static String key(String username) {
    return GroupCommit.otherKey("user", username);
  }

  private static Future<Long> lockAdmins(Tx tx) {
    return tx.rows(Sql.ADMINS_FOR_UPDATE, Map.of()).map(rows -> (long) rows.size());
  }

  private static <T> Outcome<T> userEvent(String type, String actor, long now, String message, JsonObject details,
                                          T reply) {
    return new Outcome<>(reply, new PendingEvent(type, null, actor, now, null, message, details, null));
  }

  private static PdmError unknown(String username) {
    return new PdmError(ErrorCode.NOT_FOUND, "There is no user named " + username);
  }
}
