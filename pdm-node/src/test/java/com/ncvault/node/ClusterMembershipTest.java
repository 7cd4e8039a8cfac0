package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Membership as an operator sees it, on three clustered nodes (own JVMs, one PostgreSQL database)
 * whose failure detection is tuned to seconds: every node names the members in /health and
 * /metrics; a node started with another token key refuses to serve and says which secret differs;
 * a node frozen with SIGSTOP is split off, the others report "degraded" naming it, and once it is
 * thawed its browsers receive what they missed within seconds while the cluster merges again.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterMembershipTest {

  private static final int A = 0;
  private static final int B = 1;
  private static final int C = 2;
  private static final int WRONG = 3;
  /** A member silent for 6 s is removed; split clusters look for each other every 3 s. */
  private static final Map<String, String> FAST_FAILURE_DETECTION = Map.of(
    "PDM_CLUSTER_HEARTBEAT_SECONDS", "1",
    "PDM_CLUSTER_MEMBER_TIMEOUT_SECONDS", "6",
    "PDM_CLUSTER_MERGE_SECONDS", "3");
  private static final long WAIT_MS = 60_000;

  private static Vertx vertx;
  private static TestPostgres database;
  private static TestCluster cluster;
  private static final List<NodeApi> nodes = new ArrayList<>();

  @BeforeAll
  static void startThreeNodes() throws Exception {
    vertx = Vertx.vertx();
    database = TestPostgres.create(vertx).await();
    cluster = new TestCluster(database.uri());
    for (int i = A; i <= C; i++) {
      cluster.start(i, FAST_FAILURE_DETECTION);
      nodes.add(new NodeApi(vertx, cluster.httpPort(i)));
    }
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
  void everyNodeNamesTheThreeMembersInHealthAndMetrics() {
    for (int i = A; i <= C; i++) {
      JsonObject health = awaitHealth(i, "three members", h -> h.getJsonObject("cluster").getInteger("memberCount") == 3);
      assertThat(health.getInteger("httpStatus")).isEqualTo(200);
      assertThat(health.getString("status")).isEqualTo("up");
      assertThat(health.getJsonObject("cluster").getJsonArray("members").getList())
        .containsExactly("node-a", "node-b", "node-c");
      String metrics = nodes.get(i).metrics().await();
      assertThat(gauge(metrics, "pdm_cluster_members", null)).isEqualTo(3.0);
      assertThat(gauge(metrics, "pdm_cluster_degraded", null)).isEqualTo(0.0);
      assertThat(gauge(metrics, "pdm_cluster_member", "node-b")).isEqualTo(1.0);
    }
    assertThat(cluster.node(A).output()).anyMatch(line -> line.contains("In the cluster with 1 member: node-a"))
      .anyMatch(line -> line.contains("Cluster member node-b joined (2 members: node-a, node-b)"))
      .anyMatch(line -> line.contains("Cluster member node-c joined (3 members: node-a, node-b, node-c)"));
  }

  @Test
  @Order(2)
  @Timeout(180)
  void aNodeWithAnotherTokenKeyRefusesToServeAndSaysWhichSecretDiffers() throws Exception {
    String wrongKey = "not-the-cluster-token-key-" + System.nanoTime();
    Map<String, String> env = new HashMap<>(FAST_FAILURE_DETECTION);
    env.put("PDM_JWT_SECRET", wrongKey);
    NodeProcess refused = cluster.launch(WRONG, env);
    int exitCode = refused.awaitExit(120);
    List<String> log = refused.output();
    assertThat(exitCode).as("exit code (EX_CONFIG) of a node that refuses its configuration; log:%n%s",
      String.join("\n", log)).isEqualTo(Main.EXIT_CONFIG);
    assertThat(log).anyMatch(line -> line.contains("ERROR") && line.contains("Node node-d refuses to serve in this"
      + " cluster: its jwtSecret (PDM_JWT_SECRET) differs from that of node-a, node-b, node-c"));
    assertThat(log).noneMatch(line -> line.contains("clusterSecret (PDM_CLUSTER_SECRET) differs"))
      .noneMatch(line -> line.contains(" serving http"))
      .noneMatch(line -> line.contains(wrongKey) || line.contains(cluster.jwtSecret()));

    // The members saw it come, were told why it will not serve, and saw it go.
    Waiting.until(vertx, WAIT_MS, "node-a logged that node-d left", () -> Future.succeededFuture(
      cluster.node(A).output().stream().anyMatch(line -> line.contains("Cluster member node-d left")))).await();
    assertThat(cluster.node(A).output())
      .anyMatch(line -> line.contains("Cluster member node-d joined"))
      .anyMatch(line -> line.contains("WARN") && line.contains("Cluster member node-d has another jwtSecret than this"
        + " node (compared by SHA-256 digest); it refuses to serve"));
    JsonObject health = awaitHealth(A, "three members again",
      h -> h.getJsonObject("cluster").getInteger("memberCount") == 3);
    assertThat(health.getString("status")).as("a refused node never registered, so it is not missed").isEqualTo("up");
  }

  @Test
  @Order(3)
  @Timeout(300)
  void aFrozenNodeIsReportedMissingAndItsBrowsersCatchUpWithinSecondsOfTheThaw() throws Exception {
    String admin = nodes.get(A).adminToken().await();
    String alice = nodes.get(A).createUser(admin, "alice", "programmer").await();
    String bob = nodes.get(B).createUser(admin, "bob", "programmer").await();
    String viewer = nodes.get(C).createUser(admin, "victor", "viewer").await();
    String fileA = "1234567_PA.nc";
    String fileB = "1234568_PB.nc";
    nodes.get(A).create(alice, fileA, Buffer.buffer("G0 X1\n")).await();
    nodes.get(B).create(bob, fileB, Buffer.buffer("G0 X2\n")).await();
    long before = nodes.get(A).latestSeq(admin).await();
    DeltaSocket browserAtC = DeltaSocket.connect(vertx, cluster.httpPort(C), viewer, before).await();
    awaitHealth(A, "node-c recorded in the registry", h -> "up".equals(h.getString("status"))
      && h.getJsonObject("cluster").getJsonArray("recentlySeen").contains("node-c"));

    long frozenAt = System.nanoTime();
    cluster.node(C).freeze();
    long missedUpTo;
    long splitMs;
    try {
      for (int i : new int[] {A, B}) {
        JsonObject health = awaitHealth(i, "node-c missing", h -> "degraded".equals(h.getString("status")));
        assertThat(health.getInteger("httpStatus")).as("degraded still serves").isEqualTo(200);
        assertThat(health.getJsonObject("cluster").getInteger("memberCount")).isEqualTo(2);
        assertThat(health.getJsonObject("cluster").getJsonArray("missing").getList()).containsExactly("node-c");
      }
      splitMs = elapsedMs(frozenAt);
      String metrics = nodes.get(A).metrics().await();
      assertThat(gauge(metrics, "pdm_cluster_members", null)).isEqualTo(2.0);
      assertThat(gauge(metrics, "pdm_cluster_degraded", null)).isEqualTo(1.0);
      assertThat(gauge(metrics, "pdm_cluster_member", "node-c")).isEqualTo(0.0);
      assertThat(cluster.node(A).output()).anyMatch(line -> line.contains("Cluster member node-c left"))
        .anyMatch(line -> line.contains("WARN") && line.contains("Cluster degraded: node-c seen alive"));

      // Changes at both remaining nodes while node-c cannot hear them.
      nodes.get(A).checkout(alice, fileA).await();
      nodes.get(B).checkout(bob, fileB).await();
      NodeApi.json(nodes.get(A).call(HttpMethod.POST, "/api/files/" + fileA + "/cancel-checkout", alice).send(), 200)
        .await();
      missedUpTo = nodes.get(A).latestSeq(admin).await();
      assertThat(missedUpTo).isEqualTo(before + 3);
    } finally {
      cluster.node(C).thaw();
    }
    long thawedAt = System.nanoTime();

    browserAtC.awaitActivity(missedUpTo, 30);
    long caughtUpMs = elapsedMs(thawedAt);
    assertThat(browserAtC.activitySeqs()).as("node-c's browser: every missed change once, in order")
      .isEqualTo(LongStream.rangeClosed(before + 1, missedUpTo).boxed().toList());
    assertThat(caughtUpMs).as("the browser at node-c caught up within seconds of the thaw").isLessThan(10_000);

    List<String> seenAtC = new ArrayList<>();
    awaitHealth(C, "node-c merged back", h -> {
      seenAtC.add(h.getString("status") + "/" + h.getJsonObject("cluster").getInteger("memberCount"));
      return "up".equals(h.getString("status")) && h.getJsonObject("cluster").getInteger("memberCount") == 3;
    });
    long mergedMs = elapsedMs(thawedAt);
    // Whether node-c, thawed, first saw the others missing depends on which comes first at node-c:
    // its own member timeout or the heartbeats queued while it was stopped (both happen on loopback
    // within milliseconds), so it is reported, not asserted; the others' view is asserted above.
    System.out.printf("node-c after the thaw: health %s; its degraded warnings %s%n", seenAtC,
      cluster.node(C).output().stream().filter(line -> line.contains("Cluster degraded: ")).toList());
    for (int i : new int[] {A, B}) {
      awaitHealth(i, "node-c a member again", h -> "up".equals(h.getString("status"))
        && h.getJsonObject("cluster").getInteger("memberCount") == 3);
    }
    Waiting.until(vertx, WAIT_MS, "node-a logged node-c's return", () -> {
      List<String> log = cluster.node(A).output();
      return Future.succeededFuture(lastIndexOf(log, "Cluster member node-c joined") > lastIndexOf(log,
        "Cluster member node-c left"));
    }).await();

    // After the merge, changes at the others reach node-c's browser as they happen.
    nodes.get(B).checkout(bob, fileA).await();
    browserAtC.awaitActivity(missedUpTo + 1, 30);
    assertThat(browserAtC.activitySeqs()).isEqualTo(LongStream.rangeClosed(before + 1, missedUpTo + 1).boxed().toList());
    System.out.printf("ClusterMembershipTest: split off %d ms after SIGSTOP; after SIGCONT node-c's browser had the %d"
        + " missed changes in %d ms, node-c was a member again after %d ms (its health meanwhile: %s)%n",
      splitMs, missedUpTo - before, caughtUpMs, mergedMs, seenAtC.stream().distinct().toList());
    browserAtC.close().await();
  }

  private static JsonObject awaitHealth(int node, String what, java.util.function.Predicate<JsonObject> condition) {
    JsonObject[] last = new JsonObject[1];
    Waiting.until(vertx, WAIT_MS, "node " + node + ": " + what, () -> nodes.get(node).health()
      .map(h -> {
        last[0] = h;
        return h.getValue("cluster") instanceof JsonObject && condition.test(h);
      })).await();
    return last[0];
  }

  private static int lastIndexOf(List<String> lines, String text) {
    for (int i = lines.size() - 1; i >= 0; i--) {
      if (lines.get(i).contains(text)) {
        return i;
      }
    }
    return -1;
  }

  /** The value of a gauge in Prometheus text, with its {@code name} label when given. */
  private static double gauge(String metrics, String metric, String name) {
    String labels = name == null ? "" : "\\{name=\"" + Pattern.quote(name) + "\",?}";
    var matcher = Pattern.compile("(?m)^" + metric + labels + " (\\S+)$").matcher(metrics);
    assertThat(matcher.find()).as("%s%s in /metrics", metric, name == null ? "" : "{" + name + "}").isTrue();
    return Double.parseDouble(matcher.group(1));
  }

  private static long elapsedMs(long since) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since);
  }
}
