package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.OwnerOnly;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StagedUpload;
import com.ncvault.contract.StorageApi.Checkin;
import com.ncvault.contract.StorageApi.Checkout;
import com.ncvault.contract.StorageApi.CreateFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * First start: an empty users table gets the user {@code admin} (configured password, or a random
 * one shown once at the terminal, or kept in an owner-only file when there is none). With demo=true an empty vault also gets alice, bob and sample
 * programs, created through the same operations the api uses.
 */
final class Bootstrap {

  static final String ADMIN = "admin";
  static final List<String> DEMO_USERS = List.of("alice", "bob");
  /** Where a generated password is kept when the node has no terminal to show it on. */
  static final String ADMIN_PASSWORD_FILE = "initial-admin-password";
  static final String DEMO_PASSWORD_FILE = "demo-password";

  private final Vertx vertx;
  private final StorageConfig config;
  private final Database db;
  private final BlobStore blobs;
  private final UserService users;
  private final FileService files;

  Bootstrap(Vertx vertx, StorageConfig config, Database db, BlobStore blobs, UserService users, FileService files) {
    this.vertx = vertx;
    this.config = config;
    this.db = db;
    this.blobs = blobs;
    this.users = users;
    this.files = files;
  }

  Future<Void> run() {
    return users.count().compose(n -> n == 0 ? firstAdmin() : Future.succeededFuture())
      .compose(v -> config.demo() ? demo() : Future.succeededFuture())
      // Nodes of a cluster starting together on an empty database: the first one seeds, the others go on.
      .recover(e -> e instanceof PdmError error && error.code() == ErrorCode.ALREADY_EXISTS
        ? Future.succeededFuture()
        : Future.failedFuture(e));
  }

  private Future<Void> firstAdmin() {
    boolean random = config.adminPassword().isEmpty();
    String password = random ? Passwords.random() : config.adminPassword();
    return users.insert(UserService.SYSTEM, ADMIN, password, Roles.ADMIN)
      .compose(v -> random
        ? showOnce("created user 'admin'", password, ADMIN_PASSWORD_FILE, "change it after logging in")
        : Future.succeededFuture());
  }

  /**
   * A generated password goes to the person at the terminal, never through the logger (logs are
   * kept and shipped). Without a terminal the console is a log file (scripts/node.sh, a service
   * manager), so the password is written to an owner-only file in the data directory instead and
   * only the file's name is printed, as Jenkins does with its initialAdminPassword.
   */
  private Future<Void> showOnce(String what, String password, String fileName, String advice) {
    if (System.console() != null) {
      System.out.println("NC Vault: " + what + " with password " + password + "  (shown only now; " + advice + ")");
      return Future.succeededFuture();
    }
    Path file = config.dataDir().resolve(fileName);
    return vertx.<Void>executeBlocking(() -> {
      OwnerOnly.writeString(file, password + "\n");
      return null;
    }).onSuccess(v -> System.out.println("NC Vault: " + what + "; the password is in " + file
      + "  (readable only by this account; " + advice + ", then delete the file)"));
  }

  private Future<Void> demo() {
    return db.pool().query(Sql.COUNT_FILES).execute().map(Rows::single).compose(n -> {
      if (n > 0) {
        return Future.succeededFuture();
      }
      boolean random = config.demoPassword().isEmpty();
      String password = random ? Passwords.random() : config.demoPassword();
      Future<Void> chain = Future.succeededFuture();
      for (String user : DEMO_USERS) {
        chain = chain.compose(v -> Database.run(db.pool(), Sql.USER, Map.of("username", user))
            .map(rows -> rows.size() > 0))
          .compose(exists -> exists ? Future.succeededFuture()
            : users.insert(UserService.SYSTEM, user, password, Roles.PROGRAMMER).mapEmpty());
      }
      for (DemoContent.Step step : DemoContent.steps()) {
        chain = chain.compose(v -> apply(step));
      }
      return chain.compose(v -> random
        ? showOnce("demo users alice and bob created", password, DEMO_PASSWORD_FILE, "change it after logging in")
        : Future.succeededFuture());
    });
  }

  private Future<Void> apply(DemoContent.Step step) {
    Future<StagedUpload> staged = step.content() == null
      ? Future.succeededFuture(null)
      : vertx.executeBlocking(() -> blobs.stage(step.content()));
    return staged.compose(upload -> switch (step.kind()) {
      case CREATE -> files.create(new CreateFile(step.filename(), step.text(), null, step.user(), null, upload));
      case CHECKOUT -> files.checkout(new Checkout(step.filename(), step.user(), null, step.text()));
      case CHECKIN -> files.checkin(new Checkin(step.filename(), step.user(), null, step.text(), false, false, upload));
    }).mapEmpty();
  }
}
