package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.UserInfo;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import java.time.Clock;
import java.util.Map;

/**
 * Users: authentication and the admin's user management. Changes append user_* events (no
 * file, never a password or hash). The vault always keeps at least one admin.
 */
final class UserService {

  static final String SYSTEM = "system";

  private final Vertx vertx;
  private final Pool pool;
  private final EventLog events;
  private final Access access;
  private final Clock clock;
  /** Verified against when the user is unknown, so a wrong name takes as long as a wrong password. */
  private final String dummyHash;

  private UserService(Vertx vertx, Database db, EventLog events, Access access, Clock clock, String dummyHash) {
    this.vertx = vertx;
    this.pool = db.pool();
    this.events = events;
    this.access = access;
    this.clock = clock;
    this.dummyHash = dummyHash;
  }

  static Future<UserService> create(Vertx vertx, Database db, EventLog events, Access access, Clock clock) {
    return vertx.executeBlocking(() -> Passwords.hash(Passwords.random()))
      .map(dummy -> new UserService(vertx, db, events, access, clock, dummy));
  }

  /** {username, password} -> UserInfo; 401 for a wrong name or password, alike. */
  Future<JsonObject> authenticate(Request r) {
    String username = r.optional("username");
    String password = r.optional("password");
    if (username == null || password == null) {
      return Future.failedFuture(invalidLogin());
    }
    return Database.run(pool, Sql.USER, Map.of("username", username)).compose(rows -> {
      var row = rows.size() == 1 ? rows.iterator().next() : null;
      String hash = row == null ? dummyHash : row.getString("password_hash");
      return vertx.executeBlocking(() -> Passwords.verify(password, hash))
        .compose(ok -> ok && row != null
          ? Future.succeededFuture(JsonObject.mapFrom(Rows.user(row)))
          : Future.failedFuture(invalidLogin()));
    });
  }

  private static PdmError invalidLogin() {
    return new PdmError(ErrorCode.UNAUTHENTICATED, "Invalid username or password");
  }

  /** {username} -> UserInfo and {@code sessionsSince}: tokens issued before that (epoch ms) are no longer good. */
  Future<JsonObject> get(Request r) {
    String username = r.required("username");
    return Database.run(pool, Sql.USER, Map.of("username", username)).compose(rows -> {
      if (rows.size() != 1) {
        return Future.failedFuture(unknown(username));
      }
      var row = rows.iterator().next();
      return Future.succeededFuture(JsonObject.mapFrom(Rows.user(row)).put("sessionsSince", Rows.num(row, "sessions_since")));
    });
  }

  Future<JsonObject> list(Request r) {
    return pool.query(Sql.ALL_USERS).execute().map(rows -> {
      JsonArray users = new JsonArray();
      rows.forEach(row -> users.add(JsonObject.mapFrom(Rows.user(row))));
      return new JsonObject().put("users", users);
    });
  }

  /** {username, password, role, user} (admin) -> UserInfo. */
  Future<JsonObject> create(Request r) {
    String actor = r.required("user");
    return access.requireAdmin(actor, null)
      .compose(v -> FileService.attempt(() -> {
        UserRules.requireUsername(r.optional("username"));
        UserRules.requireRole(r.optional("role"));
        UserRules.requirePassword(r.optional("password"));
        return r.required("username");
      }))
      .compose(username -> insert(actor, username, r.required("password"), r.required("role")));
  }

  /** Creates a user without an admin check: the first admin and the demo users at start. */
  Future<JsonObject> insert(String actor, String username, String password, String role) {
    return vertx.executeBlocking(() -> Passwords.hash(password))
      .compose(hash -> pool.withTransaction(conn -> {
        long now = clock.millis();
        return Database.run(conn, Sql.INSERT_USER, Map.of("username", username, "hash", hash, "role", role,
            "now", now))
          .compose(v -> userEvent(conn, EventTypes.USER_CREATED, actor, now, "Created user " + username,
            new JsonObject().put("username", username).put("role", role),
            JsonObject.mapFrom(new UserInfo(username, role, FileRow.iso(now)))));
      }))
      .recover(e -> Future.failedFuture(Dialect.isUniqueViolation(e)
        ? new PdmError(ErrorCode.ALREADY_EXISTS, "A user named " + username + " exists already") : e))
      .map(events::publish);
  }

  /** {username, role, user} (admin) -> UserInfo; the last admin cannot be demoted. */
  Future<JsonObject> update(Request r) {
    String actor = r.required("user");
    return access.requireAdmin(actor, null)
      .compose(v -> FileService.attempt(() -> {
        UserRules.requireRole(r.optional("role"));
        return r.required("username");
      }))
      .compose(username -> pool.withTransaction(conn -> lockAdmins(conn).compose(admins ->
        Database.run(conn, Sql.USER_FOR_UPDATE, Map.of("username", username)).compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(unknown(username));
          }
          var row = rows.iterator().next();
          String former = row.getString("role");
          String role = r.required("role");
          if (Roles.ADMIN.equals(former) && !Roles.ADMIN.equals(role) && admins <= 1) {
            return Future.failedFuture(new PdmError(ErrorCode.CONFLICT, "The last admin cannot lose the admin role"));
          }
          long now = clock.millis();
          return Database.run(conn, Sql.UPDATE_ROLE, Map.of("username", username, "role", role))
            .compose(u -> userEvent(conn, EventTypes.USER_CHANGED, actor, now,
              "Changed the role of " + username + " to " + role,
              new JsonObject().put("username", username).put("role", role).put("formerRole", former),
              JsonObject.mapFrom(new UserInfo(username, role, FileRow.iso(Rows.num(row, "created_at"))))));
        }))))
      .map(events::publish);
  }

  /** {username, password, user} (admin) -> UserInfo. */
  Future<JsonObject> password(Request r) {
    String actor = r.required("user");
    return access.requireAdmin(actor, null)
      .compose(v -> FileService.attempt(() -> {
        UserRules.requirePassword(r.optional("password"));
        return r.required("username");
      }))
      .compose(username -> setPassword(actor, username, r.required("password")));
  }

  /**
   * Sets a user's password (checked by the caller) and ends the user's sessions: tokens issued
   * before now are refused. Also the launcher's {@code --reset-admin-password}, as {@link #SYSTEM}.
   */
  Future<JsonObject> setPassword(String actor, String username, String password) {
    return Database.run(pool, Sql.USER, Map.of("username", username))
      .compose(rows -> rows.size() == 1 ? Future.succeededFuture() : Future.failedFuture(unknown(username)))
      .compose(v -> vertx.executeBlocking(() -> Passwords.hash(password)))
      .compose(hash -> pool.withTransaction(conn -> Database.run(conn, Sql.USER_FOR_UPDATE,
          Map.of("username", username))
        .compose(rows -> {
          if (rows.size() == 0) {
            return Future.failedFuture(unknown(username));
          }
          var row = rows.iterator().next();
          long now = clock.millis();
          return Database.run(conn, Sql.UPDATE_PASSWORD, Map.of("username", username, "hash", hash, "now", now))
            .compose(u -> userEvent(conn, EventTypes.USER_CHANGED, actor, now,
              "Set a new password for " + username,
              new JsonObject().put("username", username).put("passwordChanged", true),
              JsonObject.mapFrom(Rows.user(row))));
        })))
      .map(events::publish);
  }

  /** {username, user} (admin) -> {}; nobody deletes themselves or the last admin. */
  Future<JsonObject> delete(Request r) {
    String actor = r.required("user");
    return access.requireAdmin(actor, null)
      .compose(v -> FileService.attempt(() -> r.required("username")))
      .compose(username -> {
        if (username.equals(actor)) {
          return Future.failedFuture(new PdmError(ErrorCode.CONFLICT, "You cannot delete yourself"));
        }
        return pool.withTransaction(conn -> lockAdmins(conn).compose(admins ->
          Database.run(conn, Sql.USER_FOR_UPDATE, Map.of("username", username)).compose(rows -> {
            if (rows.size() == 0) {
              return Future.failedFuture(unknown(username));
            }
            String role = rows.iterator().next().getString("role");
            if (Roles.ADMIN.equals(role) && admins <= 1) {
              return Future.failedFuture(new PdmError(ErrorCode.CONFLICT, "The last admin cannot be deleted"));
            }
            long now = clock.millis();
            return Database.run(conn, Sql.DELETE_USER, Map.of("username", username))
              .compose(d -> userEvent(conn, EventTypes.USER_DELETED, actor, now, "Deleted user " + username,
                new JsonObject().put("username", username).put("role", role), new JsonObject()));
          })));
      })
      .map(events::publish);
  }

  Future<Long> count() {
    return pool.query(Sql.COUNT_USERS).execute().map(Rows::single);
  }

  private Future<Long> lockAdmins(SqlConnection conn) {
    return conn.query(Sql.ADMINS_FOR_UPDATE).execute().map(rows -> (long) rows.size());
  }

  private Future<Change> userEvent(SqlConnection conn, String type, String actor, long now, String message,
                                   JsonObject details, JsonObject reply) {
    return events.append(conn, type, null, actor, now, null, message, details, null)
      .map(event -> new Change(reply, event));
  }

  private static PdmError unknown(String username) {
    return new PdmError(ErrorCode.NOT_FOUND, "There is no user named " + username);
  }
}
