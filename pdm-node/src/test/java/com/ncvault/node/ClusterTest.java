package com.ncvault.node;

import static com.ncvault.node.TestNode.expect;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Predicate;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Three nodes, each in its own JVM with its own blob store, clustered over Hazelcast and sharing
 * one PostgreSQL database, used the way plants use them: a lock taken at one site shows at the
 * others at once, exactly one of many simultaneous checkouts wins, a node dying takes nothing with
 * it, content uploaded at one site stays downloadable at another when the first is gone. The tests
 * run in order on one cluster: B is killed in the fourth, A stopped in the last.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterTest {

  private static final int A = 0;
  private static final int B = 1;
  private static final int C = 2;
  private static final long WAIT_MS = 30_000;

  private static Vertx vertx;
  private static TestPostgres database;
  private static TestCluster cluster;
  private static int bridgePort;
  private static final List<WebClient> clients = new ArrayList<>();
  private static String admin;
  private static final List<String> programmers = new ArrayList<>();

  @BeforeAll
  static void startThreeNodes() throws IOException {
    vertx = Vertx.vertx();
    database = TestPostgres.create(vertx).await();
    cluster = new TestCluster(database.uri());
    bridgePort = TestNode.freePort();
    cluster.start(A);
    cluster.start(B);
    cluster.start(C, Map.of("PDM_BRIDGE_PORT", Integer.toString(bridgePort)));
    for (int i = 0; i < 3; i++) {
      clients.add(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(cluster.httpPort(i)), new PoolOptions().setHttp1MaxSize(32)));
    }
    admin = login(A, "admin", TestNode.ADMIN_PASSWORD).await();
    // each account made at another node: tokens and users are the cluster's, not a node's
    for (String name : List.of("alice", "bob", "carol")) {
      int at = programmers.size();
      clients.get(at).post("/api/admin/users").bearerTokenAuthentication(admin)
        .sendJsonObject(new JsonObject().put("username", name).put("password", TestNode.passwordOf(name))
          .put("role", "programmer"))
        .compose(r -> expect(r, 201)).await();
      programmers.add(login(at, name, TestNode.passwordOf(name)).await());
    }
  }

  @AfterAll
  static void stopNodes() throws InterruptedException {
    if (cluster != null) {
      cluster.close();
    }
    if (database != null) {
      database.drop().await();
    }
    vertx.close().await();
  }

  private static Future<String> login(int node, String username, String password) {
    return clients.get(node).post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("username", username).put("password", password))
      .compose(r -> expect(r, 200))
      .map(r -> r.bodyAsJsonObject().getString("token"));
  }

  private static Future<HttpResponse<Buffer>> post(int node, String token, String path) {
    return clients.get(node).post(path).bearerTokenAuthentication(token).sendJsonObject(new JsonObject());
  }

  private static Future<JsonObject> upload(int node, String token, String path, String filename, byte[] content) {
    MultipartForm form = MultipartForm.create().attribute("message", "from node " + node)
      .binaryFileUpload("file", filename, Buffer.buffer(content), "application/octet-stream");
    return clients.get(node).post(path).bearerTokenAuthentication(token).sendMultipartForm(form)
      .compose(r -> expect(r, path.endsWith("/checkin") ? 200 : 201))
      .map(HttpResponse::bodyAsJsonObject);
  }

  private static JsonObject createFile(int node, String filename) {
    return upload(node, programmers.get(0), "/api/files", filename,
      ("%\nO1000 (" + filename + ")\nG0 X0 Y0\nM30\n%\n").getBytes(StandardCharsets.UTF_8)).await();
  }

  private static Predicate<JsonObject> delta(String type, String filename) {
    return m -> type.equals(m.getString("type"))
      && filename.equals(m.getJsonObject("payload").getJsonObject("file").getString("filename"));
  }

  private static LiveClient connect(int node, String token, long since) {
    LiveClient client = LiveClient.connect(vertx, cluster.httpPort(node), token, since).await();
    if (since < 0) {
      client.next(LiveClient.type("FILE_LIST_UPDATED"), WAIT_MS).await();
    }
    return client;
  }

  @Test
  @Timeout(120)
  @Order(1)
  void aClusteredNodeWithoutSharedSecretsRefusesToStartAndSaysWhy() {
    Path data = TestNode.tempDir();
    try {
      assertThatThrownBy(() -> NodeProcess.start(TestNode.freePort(), data, List.of(),
        Map.of("PDM_CLUSTER", "true", "PDM_DB_KIND", "postgres", "PDM_PG_URI", database.uri()), List.of()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("jwtSecret (PDM_JWT_SECRET) must be set")
        .hasMessageContaining("clusterSecret (PDM_CLUSTER_SECRET) must be set");
    } finally {
      TestNode.deleteTree(data);
    }
  }

  @Test
  @Timeout(120)
  @Order(2)
  void aBrowserOnNodeCSeesACheckoutMadeOnNodeA() {
    String filename = "1000001_OP10.nc";
    createFile(A, filename);
    String alice = programmers.get(0);
    LiveClient browser = connect(C, alice, -1);

    post(A, alice, "/api/files/" + filename + "/checkout").compose(r -> expect(r, 200)).await();

    JsonObject locked = browser.next(delta("FILE_LOCKED", filename), WAIT_MS).await();
    assertThat(locked.getJsonObject("payload").getJsonObject("file").getString("lockedBy")).isEqualTo("alice");
    assertThat(locked.getJsonObject("payload").getString("user")).isEqualTo("alice");
    browser.close().await();
  }

  @Test
  @Timeout(120)
  @Order(2)
  void aWatchMadeAtNodeBIsAnsweredOnBobsPageAtNodeCAndInHisInboxWhenAliceReleasesTheFileAtNodeA() {
    String filename = "1000009_OP10.nc";
    createFile(A, filename);
    String alice = programmers.get(0);
    String bob = programmers.get(1);
    post(A, alice, "/api/files/" + filename + "/checkout").compose(r -> expect(r, 200)).await();
    clients.get(B).put("/api/watches/" + filename).bearerTokenAuthentication(bob).send()
      .compose(r -> expect(r, 200)).await();
    LiveClient page = connect(C, bob, -1);

    post(A, alice, "/api/files/" + filename + "/cancel-checkout").compose(r -> expect(r, 200)).await();

    JsonObject notice = page.next(LiveClient.type("NOTIFY"), WAIT_MS).await().getJsonObject("payload");
    assertThat(notice.getString("kind")).isEqualTo("free");
    assertThat(notice.getString("filename")).isEqualTo(filename);
    JsonObject inbox = clients.get(A).get("/api/notifications").bearerTokenAuthentication(bob).send()
      .compose(r -> expect(r, 200)).await().bodyAsJsonObject();
    assertThat(inbox.getJsonArray("notices").getJsonObject(0).getLong("id")).isEqualTo(notice.getLong("id"));
    assertThat(clients.get(C).get("/api/watches").bearerTokenAuthentication(bob).send()
      .compose(r -> expect(r, 200)).await().bodyAsJsonObject().getJsonArray("watches")).isEmpty();
    page.close().await();
  }

  @Test
  @Timeout(120)
  @Order(3)
  void ofSixtyConcurrentCheckoutsSpreadOverTheThreeNodesExactlyOneWins() {
    String filename = "1000002_OP10.nc";
    createFile(B, filename);
    List<Future<HttpResponse<Buffer>>> attempts = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      attempts.add(post(i % 3, programmers.get((i / 3) % 3), "/api/files/" + filename + "/checkout"));
    }
    Future.join(attempts).await();

    List<Integer> statuses = attempts.stream().map(f -> f.result().statusCode()).toList();
    assertThat(statuses).filteredOn(s -> s == 200).hasSize(1);
    assertThat(statuses).filteredOn(s -> s == 409).hasSize(59);
    String winner = attempts.stream().map(Future::result).filter(r -> r.statusCode() == 200).findFirst().orElseThrow()
      .bodyAsJsonObject().getString("lockedBy");
    attempts.stream().map(Future::result).filter(r -> r.statusCode() == 409).forEach(r -> {
      JsonObject error = r.bodyAsJsonObject().getJsonObject("error");
      assertThat(error.getString("code")).isEqualTo("file_locked");
      assertThat(error.getString("lockedBy")).isEqualTo(winner);
    });
    for (int node = 0; node < 3; node++) {
      JsonObject file = clients.get(node).get("/api/files/" + filename).bearerTokenAuthentication(admin).send()
        .compose(r -> expect(r, 200)).await().bodyAsJsonObject();
      assertThat(file.getString("lockedBy")).as("node %d", node).isEqualTo(winner);
    }
  }

  @Test
  @Timeout(120)
  @Order(4)
  void aProgramOnTheBridgeOfNodeCReceivesAChangeMadeOnNodeA() throws Exception {
    String filename = "1000003_OP10.nc";
    createFile(A, filename);
    try (BridgeConsumer consumer = BridgeConsumer.start(bridgePort, "--token", programmers.get(1), "--count", "1")) {
      consumer.await(line -> "ready".equals(line.getString("type")), 60);

      post(A, programmers.get(1), "/api/files/" + filename + "/checkout").compose(r -> expect(r, 200)).await();

      JsonObject event = consumer.await(line -> "message".equals(line.getString("type")), 60);
      assertThat(event.getString("address")).isEqualTo("pdm.events.domain");
      assertThat(event.getJsonObject("body").getString("type")).isEqualTo("checkout");
      assertThat(event.getJsonObject("body").getString("filename")).isEqualTo(filename);
      assertThat(consumer.exitCode(60)).isZero();
    }
  }

  @Test
  @Timeout(120)
  @Order(4)
  void tenWrongPasswordsSpreadOverTheThreeNodesLockTheNameAtEveryNode() {
    String name = "dora";
    clients.get(B).post("/api/admin/users").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("username", name).put("password", TestNode.passwordOf(name))
        .put("role", "viewer"))
      .compose(r -> expect(r, 201)).await();
    for (int i = 0; i < 10; i++) {
      int status = clients.get(i % 3).post("/api/auth/login")
        .sendJsonObject(new JsonObject().put("username", name).put("password", "wrong guess " + i)).await().statusCode();
      assertThat(status).as("guess %d at node %d", i, i % 3).isEqualTo(401);
    }
    for (int node = A; node <= C; node++) {
      HttpResponse<Buffer> refused = clients.get(node).post("/api/auth/login")
        .sendJsonObject(new JsonObject().put("username", name).put("password", TestNode.passwordOf(name))).await();
      assertThat(refused.statusCode()).as("the right password at node %d", node).isEqualTo(429);
      assertThat(refused.getHeader("Retry-After")).isNotNull();
    }
  }

  @Test
  @Timeout(120)
  @Order(5)
  void whenNodeBIsKilledTheOthersKeepServingAndItsBrowserCatchesUpOnAnotherNode() throws Exception {
    String filename = "1000004_OP10.nc";
    createFile(A, filename);
    String bob = programmers.get(1);
    LiveClient atA = connect(A, bob, -1);
    LiveClient atB = connect(B, bob, -1);
    LiveClient atC = connect(C, bob, -1);
    post(A, bob, "/api/files/" + filename + "/checkout").compose(r -> expect(r, 200)).await();
    long before = atA.next(delta("FILE_LOCKED", filename), WAIT_MS).await().getLong("seq");
    atB.activity(before, WAIT_MS).await();
    atC.activity(before, WAIT_MS).await();
    long lastSeenAtB = atB.lastSeq();
    assertThat(lastSeenAtB).isEqualTo(before);

    cluster.node(B).kill();
    atB.closed().await();

    // ten changes after the crash, alternately at A and C
    for (int i = 0; i < 10; i++) {
      int node = i % 2 == 0 ? A : C;
      String action = i % 2 == 0 ? "/cancel-checkout" : "/checkout";
      post(node, bob, "/api/files/" + filename + action).compose(r -> expect(r, 200)).await();
    }
    long last = before + 10;
    atA.activity(last, WAIT_MS).await();
    atC.activity(last, WAIT_MS).await();
    List<Long> expected = LongStream.rangeClosed(before + 1, last).boxed().toList();
    assertThat(after(atA.activitySeqs(), before)).isEqualTo(expected);
    assertThat(after(atC.activitySeqs(), before)).isEqualTo(expected);

    LiveClient reconnected = connect(A, bob, lastSeenAtB);
    reconnected.activity(last, WAIT_MS).await();
    post(C, bob, "/api/files/" + filename + "/cancel-checkout").compose(r -> expect(r, 200)).await();
    reconnected.activity(last + 1, WAIT_MS).await();

    assertThat(reconnected.activitySeqs()).as("no gap, no duplicate")
      .isEqualTo(LongStream.rangeClosed(before + 1, last + 1).boxed().toList());
    assertThat(reconnected.messages()).noneMatch(LiveClient.type("FILE_LIST_UPDATED"));
    atA.activity(last + 1, WAIT_MS).await();
    atC.activity(last + 1, WAIT_MS).await();
    for (int node : new int[] {A, C}) {
      assertThat(clients.get(node).get("/health").send().await().statusCode()).as("node %d", node).isEqualTo(200);
    }
    for (LiveClient client : List.of(atA, atC, reconnected)) {
      client.close().await();
    }
  }

  private static List<Long> after(List<Long> seqs, long seq) {
    return seqs.stream().filter(s -> s > seq).toList();
  }

  @Test
  @Timeout(120)
  @Order(6)
  void aRevisionUploadedAtNodeADownloadsAtNodeCAfterNodeAIsGone() throws Exception {
    String filename = "1000005_OP10.nc";
    String carol = programmers.get(2);
    byte[] first = ("%\nO2000 (FIRST)\nM30\n%\n").getBytes(StandardCharsets.UTF_8);
    byte[] second = new byte[300_000];
    new Random(42).nextBytes(second);
    upload(A, carol, "/api/files", filename, first).await();
    post(A, carol, "/api/files/" + filename + "/checkout").compose(r -> expect(r, 200)).await();
    JsonObject checkedIn = upload(A, carol, "/api/files/" + filename + "/checkin", filename, second).await();
    assertThat(checkedIn.getString("revision")).isEqualTo("1.1");

    // replication state, as an admin sees it at C: both revisions are held by A and C
    Waiting.until(vertx, WAIT_MS, "C holds both revisions", () -> history(C, filename)
      .map(revisions -> revisions.stream().allMatch(rev -> ((JsonObject) rev).getJsonArray("replicas")
        .contains("node-c")))).await();
    JsonArray revisions = history(C, filename).await();
    for (Object rev : revisions) {
      assertThat(((JsonObject) rev).getJsonArray("replicas")).containsExactly("node-a", "node-c");
    }

    cluster.node(A).stop();

    HttpResponse<Buffer> current = clients.get(C).get("/api/files/" + filename + "/content")
      .bearerTokenAuthentication(carol).send().compose(r -> expect(r, 200)).await();
    assertThat(sha256(current.body().getBytes())).isEqualTo(sha256(second)).isEqualTo(checkedIn.getString("sha256"));
    HttpResponse<Buffer> older = clients.get(C).get("/api/files/" + filename + "/content?rev=1.0")
      .bearerTokenAuthentication(carol).send().compose(r -> expect(r, 200)).await();
    assertThat(older.body().getBytes()).isEqualTo(first);
  }

  private static Future<JsonArray> history(int node, String filename) {
    return clients.get(node).get("/api/files/" + filename + "/history").bearerTokenAuthentication(admin).send()
      .compose(r -> expect(r, 200)).map(r -> r.bodyAsJsonObject().getJsonArray("revisions"));
  }

  private static String sha256(byte[] content) throws NoSuchAlgorithmException {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
  }
}
