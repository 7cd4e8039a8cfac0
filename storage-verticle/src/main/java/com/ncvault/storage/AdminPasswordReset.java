package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;

/**
 * The launcher's {@code --reset-admin-password}: sets the password of {@code admin} in a stopped
 * node's embedded database and ends that account's sessions, the way an admin's password change
 * does (a user_changed event in the activity, tokens issued before now refused).
 */
public final class AdminPasswordReset {

  /** H2's "database may be already in use": another process, a running node, holds the file. */
  private static final int H2_DATABASE_IN_USE = 90020;

  /** Why the reset cannot run on this configuration (a running node, no vault, PostgreSQL); clear words for the console. */
  public static final class Refused extends RuntimeException {
    Refused(String message) {
      super(message);
    }
  }

  private AdminPasswordReset() {
  }

  /** A new random password, as a first start makes one. */
  public static String randomPassword() {
    return Passwords.random();
  }

  /** Sets {@code password} (checked against the password rules) on {@code admin}; fails with {@link Refused} or a PdmError. */
  public static Future<Void> run(Vertx vertx, StorageConfig config, String password) {
    if (!StorageConfig.H2.equals(config.dbKind())) {
      return Future.failedFuture(new Refused("--reset-admin-password works on the embedded database (dbKind=h2); "
        + "on PostgreSQL another admin sets the password in the Admin view"));
    }
    Path database = config.dataDir().resolve("db").resolve("pdm.mv.db");
    if (!Files.exists(database)) {
      return Future.failedFuture(new Refused("There is no vault in " + config.dataDir()
        + " (no " + database.getFileName() + "): start the node once, or give the data directory with --data"));
    }
    try {
      UserRules.requirePassword(password);
    } catch (PdmError e) {
      return Future.failedFuture(e);
    }
    Database db = Database.open(vertx, config);
    Lane crypto = new Lane(vertx, "reset-crypto", 1, -1);
    GroupCommit commits = new GroupCommit(vertx, db, new EventLog(config.eventRetention(), vertx.eventBus()));
    return Migrations.migrate(vertx, db)
      .compose(version -> UserService.create(db, commits, crypto, new Access(db.pool()), Clock.systemUTC()))
      .compose(users -> users.setPassword(UserService.SYSTEM, Bootstrap.ADMIN, password))
      .<Void>mapEmpty()
      .recover(e -> Future.failedFuture(inUse(e) ? new Refused("A node is running on " + config.dataDir()
        + " (its database is in use): stop it, then run --reset-admin-password again") : e))
      .recover(e -> Future.failedFuture(e instanceof PdmError p && p.code() == ErrorCode.NOT_FOUND
        ? new Refused("This vault has no user admin") : e))
      .eventually(commits::close)
      .eventually(crypto::close)
      .eventually(db::close);
  }

  private static boolean inUse(Throwable failure) {
    for (Throwable c = failure; c != null; c = c.getCause()) {
      if (c instanceof SQLException e && e.getErrorCode() == H2_DATABASE_IN_USE) {
        return true;
      }
    }
    return false;
  }
}
