package com.ncvault.node;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.storage.Migrations;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Stream;

/**
 * A whole node (storage, sync, api) started in-process on a free port with its own temporary
 * data directory, and the calls most tests need: log in, create users. Shared by every
 * end-to-end test instead of being copied into each.
 */
public final class TestNode {

  /** The first admin's password in every test node (never a real secret: tests only). */
  public static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();

  private final Vertx vertx;
  private final Path dataDir;
  private final int port;
  private final JsonObject config;
  private final Migrations migrations;
  private PdmNode node;
  private final WebClient client;

  private TestNode(Vertx vertx, Path dataDir, int port, JsonObject config, Migrations migrations) {
    this.vertx = vertx;
    this.migrations = migrations;
    this.dataDir = dataDir;
    this.port = port;
    this.config = config;
    this.client = WebClient.create(vertx, new WebClientOptions()
      .setDefaultHost("127.0.0.1").setDefaultPort(port),
      new io.vertx.core.http.PoolOptions().setHttp1MaxSize(64));
  }

  /** A node with test defaults; {@code extra} overrides any key. */
  public static Future<TestNode> start(Vertx vertx, JsonObject extra) {
    return start(vertx, extra, null);
  }

  /** A node whose storage applies {@code migrations} (null: the shipped ones), at every (re)start. */
  public static Future<TestNode> start(Vertx vertx, JsonObject extra, Migrations migrations) {
    Path dir = tempDir();
    int port = freePort();
    JsonObject config = new JsonObject()
      .put(ConfigKeys.HTTP_PORT, port)
      .put(ConfigKeys.HTTP_HOST, "127.0.0.1")
      .put(ConfigKeys.HTTP_INSTANCES, 2)
      .put(ConfigKeys.DATA_DIR, dir.toString())
      .put(ConfigKeys.ADMIN_PASSWORD, ADMIN_PASSWORD)
      .mergeIn(extra == null ? new JsonObject() : extra);
    TestNode testNode = new TestNode(vertx, dir, port, config, migrations);
    return testNode.deploy().map(testNode);
  }

  public static Future<TestNode> start(Vertx vertx) {
    return start(vertx, null);
  }

  private Future<Void> deploy() {
    return PdmNode.deploy(vertx, config.copy(), null, migrations).onSuccess(n -> node = n).mapEmpty();
  }

  /** Stops the node and starts it again on the same port and data directory. */
  public Future<Void> restart() {
    return stopNode().compose(v -> deploy());
  }

  /** Stops the node, keeping its data directory (see {@link #close()}). */
  public Future<Void> stopNode() {
    return node == null ? Future.succeededFuture() : node.stop().onComplete(v -> node = null);
  }

  /** Stops the node and deletes its data directory. */
  public Future<Void> close() {
    return stopNode()
      .compose(v -> vertx.<Void>executeBlocking(() -> {
        deleteTree(dataDir);
        return null;
      }))
      .onComplete(v -> client.close());
  }

  public WebClient client() {
    return client;
  }

  public int port() {
    return port;
  }

  public Path dataDir() {
    return dataDir;
  }

  public JsonObject config() {
    return node != null ? node.config() : config;
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** Logs in and returns the token; fails on any status but 200. */
  public Future<String> login(String username, String password) {
    return client.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("username", username).put("password", password))
      .compose(resp -> expect(resp, 200))
      .map(resp -> resp.bodyAsJsonObject().getString("token"));
  }

  public Future<String> adminToken() {
    return login("admin", ADMIN_PASSWORD);
  }

  /** The password {@link #createUser} gives a user. */
  public static String passwordOf(String username) {
    return username + "-pass-" + username.length() + "x";
  }

  /** Creates a user with {@link #passwordOf} as password and returns the user's token. */
  public Future<String> createUser(String adminToken, String username, String role) {
    return client.post("/api/admin/users")
      .bearerTokenAuthentication(adminToken)
      .sendJsonObject(new JsonObject().put("username", username).put("password", passwordOf(username))
        .put("role", role))
      .compose(resp -> expect(resp, 201))
      .compose(resp -> login(username, passwordOf(username)));
  }

  /** Passes the response on when its status is {@code status}, else fails with the body. */
  public static Future<HttpResponse<Buffer>> expect(HttpResponse<Buffer> resp, int status) {
    if (resp.statusCode() == status) {
      return Future.succeededFuture(resp);
    }
    return Future.failedFuture(new AssertionError("expected HTTP " + status + " but got "
      + resp.statusCode() + ": " + resp.bodyAsString()));
  }

  /** Where the tests' clusters draw their Hazelcast port ranges from (up to 40,000). */
  static final int CLUSTER_PORTS_FROM = 20_000;
  /** Ports {@link #freePort} has answered in this JVM. */
  private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();

  /**
   * A port free now, between 10,000 and the clusters' Hazelcast ports ({@link #CLUSTER_PORTS_FROM},
   * where {@link TestCluster} and the cluster script's test put theirs) and below the kernel's range
   * of ephemeral ports, and not handed out before in this JVM. A port of the ephemeral range can be
   * given to any outgoing connection (a cluster's members, a database pool, clients) or to a server
   * binding port 0 before the node meant to have it binds it; a port of a cluster's Hazelcast range
   * is taken by the first free one of the range when a node starts, before its HTTP server binds;
   * and two ports drawn at random for one cluster could otherwise be the same (a CI run lost a
   * cluster's first node to "Address already in use"; which of these took its port is not known). A node started as a process, or the third of a
   * cluster, binds seconds after this answers.
   */
  static int freePort() {
    int below = Math.min(CLUSTER_PORTS_FROM, Math.max(firstEphemeralPort(), 10_000));
    for (int attempt = 0; below > 11_000 && attempt < 200; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(10_000, below);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(port)) {
        return socket.getLocalPort();
      } catch (IOException taken) {
        // another one
      }
    }
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Linux's first ephemeral port (0 where unknown); the /proc file gives its first byte only to a whole-file read. */
  static int firstEphemeralPort() {
    try (var reader = Files.newBufferedReader(Path.of("/proc/sys/net/ipv4/ip_local_port_range"))) {
      String line = reader.readLine();
      return line == null ? 0 : Integer.parseInt(line.trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException unknown) {
      return 0;
    }
  }

  static Path tempDir() {
    try {
      return Files.createTempDirectory("ncvault-test-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
