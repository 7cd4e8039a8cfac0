package com.ncvault.storage;

import org.junit.jupiter.api.extension.RegisterExtension;
import static com.ncvault.storage.StorageClient.assertError;
import static com.ncvault.storage.StorageClient.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ClusterHttp;
import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageActions;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two nodes sharing one PostgreSQL database, each with its own blob store and Vert.x (no shared
 * event bus, so nothing arrives unless a test forwards it). Each node's internal endpoint is played
 * by a small HTTP server in front of its storage, as the api-verticle serves it.
 */
class ContentReplicationTest {

  private static final String SECRET = "cluster-" + UUID.randomUUID();
  private static final String PROGRAM = "%\nO1000 (FLANGE OP10)\nG21 G90\nT1 M6\nG0 X0 Y0\nM30\n%\n";
  @RegisterExtension
  static final PostgresTestDatabase database = new PostgresTestDatabase();

  private Node a;
  private Node b;

  @BeforeEach
  void startTwoNodes() throws IOException {
    database.reset();
    a = new Node("node-a");
    b = new Node("node-b");
    a.start();
    b.start();
  }

  @AfterEach
  void stopNodes() {
    for (Node node : new Node[] {a, b}) {
      if (node != null) {
        node.close();
      }
    }
  }

  @Test
  void aNodeServesContentItLacksByFetchingItFromTheNodeThatHoldsIt() throws IOException {
    JsonObject created = a.create("1234567_OP10.nc", PROGRAM);

    JsonObject location = b.storage.call(StorageActions.FILES_CONTENT, new JsonObject().put("filename", "1234567_OP10.nc"));

    Path path = Path.of(location.getString("path"));
    assertThat(path).startsWith(b.dataDir);
    assertThat(Files.readString(path)).isEqualTo(PROGRAM);
    assertThat(location.getString("sha256")).isEqualTo(created.getString("sha256"));
    assertThat(replicasAt(b, "1234567_OP10.nc")).containsExactly("node-a", "node-b");
    assertThat(b.incomingFiles()).isEmpty();
  }

  @Test
  void aGitLfsObjectPushedToOneNodeIsFetchedByTheOtherWhenItIsAskedFor() throws IOException {
    JsonObject staged = a.storage.stage("(a post-processor)\n".getBytes(StandardCharsets.UTF_8));
    String oid = staged.getString("sha256");
    a.storage.call(StorageActions.LFS_STORE, new JsonObject().put("oid", oid).put("size", staged.getLong("size"))
      .put("user", "alice").put("role", "programmer").put("staged", staged));

    JsonObject present = b.storage.call(StorageActions.LFS_OBJECTS, new JsonObject().put("oids",
      new io.vertx.core.json.JsonArray().add(oid))).getJsonArray("present").getJsonObject(0);

    Path path = Path.of(present.getString("path"));
    assertThat(path).startsWith(b.dataDir);
    assertThat(Files.readString(path)).isEqualTo("(a post-processor)\n");
    assertThat(b.incomingFiles()).isEmpty();
    a.closeEndpoint();
    assertThat(b.storage.call(StorageActions.LFS_OBJECTS, new JsonObject().put("oids",
      new io.vertx.core.json.JsonArray().add(oid))).getJsonArray("present")).as("now held here too").hasSize(1);
  }

  @Test
  void contentThatDoesNotMatchItsHashIsDiscardedAndTheNextNodeIsAsked() throws IOException {
    JsonObject created = a.create("1234567_OP20.nc", PROGRAM);
    HttpServer liar = await(b.vertx.createHttpServer()
      .requestHandler(req -> req.response().end("G0 X999 (not the program)\n")).listen(0, "127.0.0.1"));
    // seen most recently, so asked first
    database.execute("INSERT INTO nodes (name, base_url, last_seen) VALUES ('node-liar', 'http://127.0.0.1:"
      + liar.actualPort() + "', " + (System.currentTimeMillis() + 60_000) + ")");
    database.execute("INSERT INTO blob_locations (sha256, node, stored_at) VALUES ('" + created.getString("sha256")
      + "', 'node-liar', 0)");

    JsonObject location = b.storage.call(StorageActions.FILES_CONTENT, new JsonObject().put("filename", "1234567_OP20.nc"));

    assertThat(Files.readString(Path.of(location.getString("path")))).isEqualTo(PROGRAM);
    assertThat(b.incomingFiles()).isEmpty();
    await(liar.close());
  }

  @Test
  void whenNoNodeCanProvideTheContentTheDownloadIsUnavailableAndNothingIsLeftBehind() throws IOException {
    a.create("1234567_OP30.nc", PROGRAM);
    a.closeEndpoint();

    assertError(b.storage.failure(StorageActions.FILES_CONTENT, new JsonObject().put("filename", "1234567_OP30.nc")),
      503, "unavailable");
    assertThat(b.incomingFiles()).isEmpty();
    assertThat(replicasAt(b, "1234567_OP30.nc")).containsExactly("node-a");
  }

  @Test
  void theContentOfANewRevisionIsCopiedInTheBackgroundWhenItsEventArrives() {
    List<JsonObject> published = new CopyOnWriteArrayList<>();
    MessageConsumer<JsonObject> events = a.vertx.eventBus().consumer(Addresses.DOMAIN_EVENTS, m -> published.add(m.body()));
    await(events.completion());
    JsonObject created = a.create("1234567_OP40.nc", PROGRAM);
    eventually(() -> !published.isEmpty());

    // what the clustered event bus does: the event reaches the other node
    b.vertx.eventBus().publish(Addresses.DOMAIN_EVENTS, published.get(0));

    eventually(() -> b.holds(created.getString("sha256")));
    assertThat(replicasAt(a, "1234567_OP40.nc")).containsExactly("node-a", "node-b");
  }

  @Test
  void aNodeThatWasDownCopiesWhatItMissedWhenItStarts() throws IOException {
    b.stopStorage();
    JsonObject first = a.create("1234567_OP50.nc", PROGRAM);
    JsonObject second = a.create("1234567_OP60.nc", PROGRAM + "(REV B)\n");

    b.startStorage();

    eventually(() -> b.holds(first.getString("sha256")) && b.holds(second.getString("sha256")));
  }

  @Test
  void theRegistryShowsEachNodeWithItsUrlAndHowMuchOfTheVaultItHolds() {
    a.create("1234567_OP70.nc", PROGRAM);

    JsonObject state = b.storage.call(StorageActions.NODES_LIST, new JsonObject());

    assertThat(state.getString("self")).isEqualTo("node-b");
    assertThat(state.getLong("blobs")).isEqualTo(1L);
    JsonArray nodes = state.getJsonArray("nodes");
    assertThat(nodes.stream().map(n -> ((JsonObject) n).getString("name"))).containsExactly("node-a", "node-b");
    assertThat(nodes.getJsonObject(0).getString("internalUrl")).isEqualTo(a.url());
    assertThat(nodes.getJsonObject(0).getLong("blobs")).isEqualTo(1L);
    assertThat(nodes.getJsonObject(1).getLong("blobs")).isEqualTo(0L);
  }

  @Test
  void aNodeWhoseStoreLostContentNoLongerOffersItAfterARestart() throws IOException {
    JsonObject created = a.create("1234567_OP80.nc", PROGRAM);
    String sha = created.getString("sha256");
    a.stopStorage();
    Files.delete(a.dataDir.resolve("blobs").resolve(sha.substring(0, 2)).resolve(sha.substring(2)));

    a.startStorage();

    assertThat(replicasAt(b, "1234567_OP80.nc")).isEmpty();
    assertError(a.storage.failure(StorageActions.BLOBS_LOCAL, new JsonObject().put("sha256", sha)), 404, "not_found");
  }

  @Test
  void aDecommissionedNodeIsNeverAskedForContentAndStartsAgainOnlyOnceReinstated() {
    JsonObject created = a.create("1234567_OP90.nc", PROGRAM);
    a.storage.call(StorageActions.USERS_CREATE, new JsonObject().put("username", "vic").put("password",
      "a long enough password").put("role", "viewer").put("user", "admin"));
    JsonObject nodeA = new JsonObject().put("name", "node-a").put("user", "admin");

    assertError(b.storage.failure(StorageActions.NODES_DECOMMISSION, nodeA.copy().put("user", "vic")), 403,
      "forbidden");
    assertError(a.storage.failure(StorageActions.NODES_DECOMMISSION, nodeA), 409, "conflict");
    assertError(b.storage.failure(StorageActions.NODES_DECOMMISSION, nodeA.copy().put("name", "node-z")), 404,
      "not_found");
    PdmError onlyCopy = b.storage.failure(StorageActions.NODES_DECOMMISSION, nodeA);
    assertError(onlyCopy, 409, "conflict");
    assertThat(onlyCopy.details().getLong("onlyCopies")).isEqualTo(1L);
    assertThat(b.storage.call(StorageActions.NODES_LIST, new JsonObject()).getJsonArray("decommissioned")).isEmpty();

    JsonObject decommissioned = b.storage.call(StorageActions.NODES_DECOMMISSION, nodeA.copy().put("force", true));

    assertThat(decommissioned.getString("name")).isEqualTo("node-a");
    JsonObject state = b.storage.call(StorageActions.NODES_LIST, new JsonObject());
    assertThat(state.getJsonArray("nodes").stream().map(n -> ((JsonObject) n).getString("name"))).containsExactly("node-b");
    assertThat(state.getJsonArray("decommissioned").getJsonObject(0).getString("name")).isEqualTo("node-a");
    assertThat(replicasAt(b, "1234567_OP90.nc")).isEmpty();
    // A's endpoint still serves the content: B does not ask it
    assertError(b.storage.failure(StorageActions.FILES_CONTENT, new JsonObject().put("filename", "1234567_OP90.nc")),
      503, "unavailable");
    assertThat(b.holds(created.getString("sha256"))).isFalse();
    a.stopStorage();
    assertThatThrownBy(a::startStorage).hasMessageContaining("Node node-a was decommissioned")
      .hasMessageContaining("by admin");

    b.storage.call(StorageActions.NODES_REINSTATE, nodeA);

    a.startStorage();
    JsonObject location = b.storage.call(StorageActions.FILES_CONTENT, new JsonObject()
      .put("filename", "1234567_OP90.nc"));
    assertThat(location.getString("sha256")).isEqualTo(created.getString("sha256"));
    assertError(b.storage.failure(StorageActions.NODES_REINSTATE, nodeA), 404, "not_found");
  }

  @Test
  void aLocalBlobIsNamedByItsHashOnly() {
    assertError(a.storage.failure(StorageActions.BLOBS_LOCAL, new JsonObject().put("sha256", "../../etc/passwd")),
      400, "bad_request");
  }

  private static List<String> replicasAt(Node node, String filename) {
    JsonObject history = node.storage.call(StorageActions.FILES_HISTORY, new JsonObject().put("filename", filename)
      .put("replicas", true));
    return history.getJsonArray("revisions").getJsonObject(0).getJsonArray("replicas").stream()
      .map(String::valueOf).toList();
  }

  /** Waits (up to 60 s, checking every 100 ms on a timer) until the condition holds. */
  private void eventually(Supplier<Boolean> condition) {
    Vertx vertx = a.vertx;
    Promise<Void> done = Promise.promise();
    long deadline = System.currentTimeMillis() + 60_000;
    vertx.setPeriodic(100, id -> vertx.<Boolean>executeBlocking(condition::get).onComplete(result -> {
      if (result.succeeded() && result.result()) {
        vertx.cancelTimer(id);
        done.tryComplete();
      } else if (System.currentTimeMillis() > deadline) {
        vertx.cancelTimer(id);
        done.tryFail("the condition did not hold within 60 s");
      }
    }));
    await(done.future());
  }

  /** One node: its own Vert.x, data directory, storage-verticle and internal endpoint. */
  private static final class Node {
    final String name;
    final Vertx vertx = Vertx.vertx();
    final Path dataDir;
    final StorageClient storage;
    private HttpServer endpoint;
    private String deployment;

    Node(String name) throws IOException {
      this.name = name;
      this.dataDir = Files.createTempDirectory("ncvault-" + name);
      this.storage = new StorageClient(vertx, dataDir);
    }

    void start() {
      endpoint = await(vertx.createHttpServer().requestHandler(req -> {
        if (!SECRET.equals(req.getHeader(ClusterHttp.SECRET_HEADER))) {
          req.response().setStatusCode(403).end();
          return;
        }
        String sha = req.path().substring(ClusterHttp.BLOBS_PATH.length());
        storage.send(StorageActions.BLOBS_LOCAL, new JsonObject().put("sha256", sha))
          .onSuccess(blob -> req.response().sendFile(blob.getString("path")))
          .onFailure(e -> req.response().setStatusCode(404).end());
      }).listen(0, "127.0.0.1"));
      startStorage();
    }

    String url() {
      return "http://127.0.0.1:" + endpoint.actualPort();
    }

    void startStorage() {
      JsonObject config = new JsonObject()
        .put(ConfigKeys.DATA_DIR, dataDir.toString())
        .put(ConfigKeys.ADMIN_PASSWORD, "admin-secret-1")
        .put(ConfigKeys.DB_KIND, "postgres")
        .put(ConfigKeys.PG_URI, database.uri())
        .put(ConfigKeys.NODE_NAME, name)
        .put(ConfigKeys.INTERNAL_URL, url())
        .put(ConfigKeys.CLUSTER_SECRET, SECRET);
      deployment = await(vertx.deployVerticle(new StorageVerticle(), new DeploymentOptions().setConfig(config)));
    }

    void stopStorage() {
      if (deployment != null) {
        await(vertx.undeploy(deployment));
        deployment = null;
      }
    }

    void closeEndpoint() {
      await(endpoint.close());
    }

    JsonObject create(String filename, String content) {
      return storage.call(StorageActions.FILES_CREATE, new JsonObject().put("filename", filename)
        .put("user", "admin").put("staged", storage.stage(content.getBytes(StandardCharsets.UTF_8))));
    }

    boolean holds(String sha256) {
      return Files.isRegularFile(dataDir.resolve("blobs").resolve(sha256.substring(0, 2)).resolve(sha256.substring(2)));
    }

    List<Path> incomingFiles() throws IOException {
      try (Stream<Path> files = Files.list(dataDir.resolve("incoming"))) {
        return files.toList();
      }
    }

    void close() {
      try {
        stopStorage();
      } finally {
        await(vertx.close());
        try (Stream<Path> files = Files.walk(dataDir)) {
          files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
          // a temporary directory
        }
      }
    }
  }
}
