package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.Roles;
import com.ncvault.contract.StagedUpload;
import com.ncvault.contract.StorageApi.Checkin;
import com.ncvault.contract.StorageApi.Checkout;
import com.ncvault.contract.StorageApi.CreateFile;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;

/**
 * First start: an empty users table gets the user {@code admin} (configured password, or a random
 * one shown once on the console). With demo=true an empty vault also gets alice, bob and sample
 * programs, created through the same operations the api uses.
 */
final class Bootstrap {

  static final String ADMIN = "admin";
  static final List<String> DEMO_USERS = List.of("alice", "bob");

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
    return users.insert(UserService.SYSTEM, ADMIN, password, Roles.ADMIN).onSuccess(v -> {
      if (random) {
        // Shown once on the console on purpose, never through the logger (logs are kept and shipped).
        System.out.println("NC Vault: created user 'admin' with password " + password
          + "  (shown only now; change it after logging in)");
      }
    }).mapEmpty();
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
      return chain.onSuccess(v -> {
        if (random) {
          System.out.println("NC Vault demo: users alice and bob have the password " + password
            + "  (shown only now)");
        }
      });
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
