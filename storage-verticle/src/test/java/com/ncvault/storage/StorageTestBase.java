package com.ncvault.storage;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.StorageActions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import io.vertx.junit5.VertxExtension;

/**
 * Deploys a StorageVerticle on a fresh data directory (and a fresh database schema) for each
 * test and offers the requests a user's actions turn into. Subclasses choose the database.
 */
@ExtendWith(VertxExtension.class)
abstract class StorageTestBase {

  static final String ADMIN = "admin";
  static final String ADMIN_PASSWORD = "admin-secret-1";

  protected Vertx vertx;
  protected Path dataDir;
  protected StorageClient storage;
  private String deploymentId;

  /** Database keys of the config (dbKind, pgUri); empty for the H2 default. */
  protected abstract JsonObject databaseConfig();

  /** Leaves the database empty before a test. */
  protected void resetDatabase() {
  }

  @BeforeEach
  void deployStorage(Vertx vertx) throws IOException {
    this.vertx = vertx;
    this.dataDir = Files.createTempDirectory("ncvault-storage-test");
    resetDatabase();
    storage = new StorageClient(vertx, dataDir);
    deploy(new JsonObject());
  }

  @AfterEach
  void undeployStorage() throws IOException {
    undeploy();
    wipe(dataDir);
  }

  /** A first start on an empty data directory and database with extra config. */
  void freshStart(JsonObject extra) throws IOException {
    stopOnEmptyData();
    deploy(extra);
  }

  /** Stops the storage and empties its data directory and database. */
  void stopOnEmptyData() throws IOException {
    undeploy();
    wipe(dataDir);
    Files.createDirectories(dataDir);
    resetDatabase();
  }

  private static void wipe(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }

  JsonObject config(JsonObject extra) {
    return new JsonObject()
      .put(ConfigKeys.DATA_DIR, dataDir.toString())
      .put(ConfigKeys.ADMIN_PASSWORD, ADMIN_PASSWORD)
      .mergeIn(databaseConfig())
      .mergeIn(extra);
  }

  /** Starts the storage under test: the storage-verticle on the configured database by default. */
  void deploy(JsonObject extra) {
    deploy(extra, new StorageVerticle());
  }

  /** Starts {@code verticle} as the storage under test. */
  void deploy(JsonObject extra, StorageVerticle verticle) {
    deploymentId = StorageClient.await(vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config(extra))));
  }

  void undeploy() {
    if (deploymentId != null) {
      StorageClient.await(vertx.undeploy(deploymentId));
      deploymentId = null;
    }
  }

  /** Stops this node's storage and starts a new instance on the same data (a restart). */
  void restart(JsonObject extra) {
    undeploy();
    deploy(extra);
  }

  // --- what users do, as storage requests ---

  JsonObject create(String filename, String content, String user) {
    return storage.call(StorageActions.FILES_CREATE, new JsonObject().put("filename", filename)
      .put("description", "Program " + filename).put("user", user).put("staged", stage(content)));
  }

  JsonObject stage(String content) {
    return storage.stage(content.getBytes(StandardCharsets.UTF_8));
  }

  JsonObject checkout(String filename, String user) {
    return storage.call(StorageActions.FILES_CHECKOUT, new JsonObject().put("filename", filename).put("user", user)
      .put("message", "working on it"));
  }

  JsonObject checkin(String filename, String user, String content, String message) {
    return storage.call(StorageActions.FILES_CHECKIN, new JsonObject().put("filename", filename).put("user", user)
      .put("message", message).put("staged", stage(content)));
  }

  /** A check-in naming the lock it was prepared under. */
  JsonObject checkinUnder(String filename, String user, String lockId, String content, String message) {
    return storage.call(StorageActions.FILES_CHECKIN, new JsonObject().put("filename", filename).put("user", user)
      .put("message", message).put("lockId", lockId).put("staged", stage(content)));
  }

  JsonObject cancel(String filename, String user) {
    return storage.call(StorageActions.FILES_CANCEL, new JsonObject().put("filename", filename).put("user", user));
  }

  JsonObject createUser(String username, String role) {
    return storage.call(StorageActions.USERS_CREATE, new JsonObject().put("username", username)
      .put("password", username + "-password").put("role", role).put("user", ADMIN));
  }

  /** One user on {@code filename}: checkout, cancel, {@code pairs} times; each request waits for the previous reply. */
  Future<Void> checkoutAndCancel(String filename, String user, int pairs) {
    if (pairs == 0) {
      return Future.succeededFuture();
    }
    JsonObject request = new JsonObject().put("filename", filename).put("user", user);
    return storage.send(StorageActions.FILES_CHECKOUT, request)
      .compose(v -> storage.send(StorageActions.FILES_CANCEL, request))
      .compose(v -> checkoutAndCancel(filename, user, pairs - 1));
  }

  long latestSeq() {
    return storage.call(StorageActions.EVENTS_LATEST, new JsonObject()).getLong("seq");
  }

  JsonObject fileRequest(String filename, String user) {
    return new JsonObject().put("filename", filename).put("user", user);
  }

  long filesIn(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).count();
    }
  }
}
