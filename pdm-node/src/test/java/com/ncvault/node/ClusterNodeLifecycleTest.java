package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Nodes joining and leaving a running cluster (own JVMs, one PostgreSQL database): a node started
 * later is offered to the pages of the node already running (settings, page policy, live
 * connection) without a configuration change; a decommissioned node is never asked for content
 * again, even while something answers at its address, and started again it refuses to serve until
 * an admin reinstates it; a check-in is answered only once two nodes hold its content, so killing
 * its node right after the answer loses nothing.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterNodeLifecycleTest {

  private static final int A = 0;
  private static final int B = 1;
  private static final int C = 2;
  private static final long WAIT_MS = 60_000;
  /** The exit code of a node that refuses to start as configured (EX_CONFIG). */
  private static final int EXIT_CONFIG = 78;

  private static Vertx vertx;
  private static TestPostgres database;
  private static TestCluster cluster;
  private static final List<NodeApi> nodes = new ArrayList<>();
  private static String admin;

  @BeforeAll
  static void startNodeA() throws Exception {
    vertx = Vertx.vertx();
    database = TestPostgres.create(vertx).await();
    cluster = new TestCluster(database.uri());
    for (int i = A; i <= C; i++) {
      nodes.add(new NodeApi(vertx, cluster.httpPort(i)));
    }
    cluster.start(A);
    admin = nodes.get(A).adminToken().await();
  }

  @AfterAll
  static void stopNodes() throws Exception {
    nodes.forEach(NodeApi::close);
    if (cluster != null) {
      cluster.close();
    }
    if (database != null) {
      database.drop().await();
    }
    vertx.close().await();
  }

  @Test
  @Order(1)
  @Timeout(180)
  void aNodeStartedLaterIsOfferedToThePagesOfTheNodeAlreadyRunning() throws Exception {
    String urlOfA = cluster.baseUrl(A);
    String urlOfB = cluster.baseUrl(B);
    assertThat(peerUrls(A).await()).as("A alone").doesNotContain(urlOfB);

    cluster.start(B);

    Waiting.until(vertx, WAIT_MS, "A offers B to its pages", () -> peerUrls(A).map(urls -> urls.contains(urlOfB)))
      .await();
    HttpResponse<Buffer> page = nodes.get(A).call(HttpMethod.GET, "/", null).send().await();
    assertThat(page.getHeader("Content-Security-Policy")).as("A's page may open B's live connection")
      .contains("connect-src 'self' ws://127.0.0.1:" + cluster.httpPort(B) + ";");
    assertThat(peerUrls(B).await()).as("B offers A").contains(urlOfA);
    // a page of A that fails over to B is let in there; a page of any other site is not
    assertThat(upgradeAt(B, urlOfA).await()).isEqualTo(101);
    assertThat(upgradeAt(B, "http://127.0.0.1:1").await()).isEqualTo(403);
  }

  @Test
  @Order(2)
  @Timeout(420)
  void aDecommissionedNodeIsNeverAskedForContentAgainAndComesBackOnlyWhenReinstated() throws Exception {
    String filename = "7100001_DC.nc";
    byte[] bytes = new byte[200_000];
    new Random(7).nextBytes(bytes);
    Buffer content = Buffer.buffer(bytes);
    nodes.get(A).create(admin, filename, content).await();
    Waiting.until(vertx, WAIT_MS, "A and B hold the content", () -> replicas(A, filename)
      .map(replicas -> replicas.equals(new JsonArray().add("node-a").add("node-b")))).await();

    JsonObject running = refusal(decommission(A, "node-b"), 409);
    assertThat(running.getString("message")).contains("running");

    // B stops; something keeps answering at its address and counts every content request it gets
    cluster.node(B).stop();
    AtomicInteger askedAtB = new AtomicInteger();
    HttpServer atB = vertx.createHttpServer().requestHandler(request -> {
      if (request.path().startsWith("/internal/blobs/")) {
        askedAtB.incrementAndGet();
      }
      request.response().setStatusCode(503).end();
    }).listen(cluster.httpPort(B), "127.0.0.1").await();

    // With A stopped too, C (started now, without the content) can only ask B: it does.
    cluster.node(A).stop();
    cluster.start(C);
    NodeApi atC = nodes.get(C);
    Waiting.until(vertx, WAIT_MS, "C asks B for the content", () -> Future.succeededFuture(askedAtB.get() > 0)).await();

    JsonObject decommissioned = NodeApi.json(decommission(C, "node-b"), 200).await();
    assertThat(decommissioned.getString("name")).isEqualTo("node-b");
    int askedBefore = askedAtB.get();
    JsonObject list = NodeApi.json(atC.call(HttpMethod.GET, "/api/admin/nodes", admin).send(), 200).await();
    assertThat(names(list.getJsonArray("nodes"))).containsExactly("node-a", "node-c");
    assertThat(names(list.getJsonArray("decommissioned"))).containsExactly("node-b");
    assertThat(replicas(C, filename).await()).as("B's copy no longer counts").containsExactly("node-a");
    Waiting.until(vertx, WAIT_MS, "C no longer offers B to its pages",
      () -> peerUrls(C).map(urls -> !urls.contains(cluster.baseUrl(B)))).await();

    HttpResponse<Buffer> unavailable = atC.call(HttpMethod.GET, "/api/files/" + filename + "/content", admin).send()
      .await();
    assertThat(unavailable.statusCode()).as("A is down, B is out: no node may provide it").isEqualTo(503);
    assertThat(askedAtB.get()).as("content requests at B after its decommission").isEqualTo(askedBefore);

    cluster.start(A);
    HttpResponse<Buffer> download = atC.call(HttpMethod.GET, "/api/files/" + filename + "/content", admin).send()
      .compose(r -> TestNode.expect(r, 200)).await();
    assertThat(NodeApi.sha256(download.body())).isEqualTo(NodeApi.sha256(content));
    assertThat(askedAtB.get()).as("content requests at B after its decommission").isEqualTo(askedBefore);
    atB.close().await();

    // B comes back: it refuses to serve, naming the decommission, and stays out of the list
    NodeProcess refused = cluster.launch(B, Map.of());
    assertThat(refused.awaitExit(120)).isEqualTo(EXIT_CONFIG);
    assertThat(String.join("\n", refused.output())).contains("Node node-b was decommissioned")
      .contains("/api/admin/nodes/node-b/reinstate");
    JsonObject stillOut = NodeApi.json(atC.call(HttpMethod.GET, "/api/admin/nodes", admin).send(), 200).await();
    assertThat(names(stillOut.getJsonArray("decommissioned"))).containsExactly("node-b");

    // reinstated by an admin, it starts and is in the list again
    NodeApi.json(atC.call(HttpMethod.POST, "/api/admin/nodes/node-b/reinstate", admin).send(), 200).await();
    cluster.start(B);
    JsonObject back = NodeApi.json(nodes.get(A).call(HttpMethod.GET, "/api/admin/nodes", admin).send(), 200).await();
    assertThat(names(back.getJsonArray("nodes"))).containsExactly("node-a", "node-b", "node-c");
    assertThat(back.getJsonArray("decommissioned")).isEmpty();
  }

  @Test
  @Order(3)
  @Timeout(180)
  void aCheckinWhoseNodeIsKilledRightAfterTheAnswerDownloadsAtAnotherNode() throws Exception {
    String filename = "7100002_RF.nc";
    byte[] second = new byte[3_000_000];
    new Random(11).nextBytes(second);
    NodeApi atB = nodes.get(B);
    JsonObject created = atB.create(admin, filename, Buffer.buffer("G0 X1\n")).await();
    atB.checkout(admin, filename).await();

    JsonObject checkedIn = atB.checkin(admin, filename, Buffer.buffer(second), "finishing pass").await();
    cluster.node(B).kill();

    assertThat(created.containsKey("warning")).as("two nodes held the new file when it was answered").isFalse();
    assertThat(checkedIn.containsKey("warning")).as("two nodes held the revision when it was answered").isFalse();
    HttpResponse<Buffer> download = nodes.get(A).call(HttpMethod.GET, "/api/files/" + filename + "/content", admin)
      .send().compose(r -> TestNode.expect(r, 200)).await();
    assertThat(NodeApi.sha256(download.body())).isEqualTo(NodeApi.sha256(Buffer.buffer(second)))
      .isEqualTo(checkedIn.getString("sha256"));
    String metrics = nodes.get(A).call(HttpMethod.GET, "/metrics", null).send().await().bodyAsString();
    assertThat(metrics).contains("pdm_replication_backlog").contains("pdm_replication_single_copy_contents")
      .contains("pdm_replication_wait_expired_total");
  }

  private static Future<HttpResponse<Buffer>> decommission(int at, String name) {
    return nodes.get(at).call(HttpMethod.POST, "/api/admin/nodes/" + name + "/decommission", admin).send();
  }

  /** The error of a refused request with the expected status. */
  private static JsonObject refusal(Future<HttpResponse<Buffer>> response, int status) {
    return NodeApi.json(response, status).await().getJsonObject("error");
  }

  private static Future<List<String>> peerUrls(int at) {
    return NodeApi.json(nodes.get(at).call(HttpMethod.GET, "/api/settings", admin).send(), 200)
      .map(settings -> settings.getJsonArray("peerUrls").stream().map(String::valueOf).toList());
  }

  private static Future<JsonArray> replicas(int at, String filename) {
    return NodeApi.json(nodes.get(at).call(HttpMethod.GET, "/api/files/" + filename + "/history", admin).send(), 200)
      .map(history -> history.getJsonArray("revisions").getJsonObject(0).getJsonArray("replicas"));
  }

  private static List<String> names(JsonArray nodeStates) {
    return nodeStates.stream().map(node -> ((JsonObject) node).getString("name")).toList();
  }

  /** The status of a /ws upgrade at node {@code at} from a page of {@code origin}. */
  private static Future<Integer> upgradeAt(int at, String origin) {
    WebSocketClient client = vertx.createWebSocketClient();
    return client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(cluster.httpPort(at))
        .setURI("/ws?token=" + admin).addHeader("Origin", origin))
      .transform(done -> done.succeeded() ? done.result().close().map(101)
        : done.cause() instanceof UpgradeRejectedException rejected ? Future.succeededFuture(rejected.getStatus())
        : Future.<Integer>failedFuture(done.cause()))
      .eventually(client::close);
  }
}
