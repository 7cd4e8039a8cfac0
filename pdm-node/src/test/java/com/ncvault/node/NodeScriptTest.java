package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
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
 * scripts/node.sh against a real two-node cluster: the nodes are started by the script one after
 * the other; node-b is restarted by it while node-a goes on serving a programmer and a browser; its
 * log is appended to across the restart and moved aside at a start once it is over the limit; a
 * node that refuses its configuration is reported with the reason. Logs, pid files, secrets and
 * data are created readable only by the user, and a log an older start left readable by others is
 * tightened at the next start.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodeScriptTest {

  private static Vertx vertx;
  private static TestPostgres database;
  private static Path data;
  private static int httpBase;
  private static final Map<String, String> env = new HashMap<>();

  @BeforeAll
  static void startTwoNodesWithTheScript() throws Exception {
    vertx = Vertx.vertx();
    database = TestPostgres.create(vertx).await();
    data = TestNode.tempDir();
    httpBase = twoFreePorts();
    env.put("DATA", data.toString());
    env.put("HTTP_BASE", Integer.toString(httpBase));
    env.put("BRIDGE_BASE", "0");
    env.put("CLUSTER_BASE", Integer.toString(TestNode.CLUSTER_PORTS_FROM + (int) (Math.random() * 20000)));
    env.put("NODES", "2");
    env.put("PDM_PG_URI", database.uri());
    env.put("PDM_CLUSTER_NAME", "ncvault-script-" + UUID.randomUUID().toString().substring(0, 8));
    env.put("PDM_ADMIN_PASSWORD", TestNode.ADMIN_PASSWORD);
    env.put("PDM_HTTP_INSTANCES", "1");
    env.put("JAVA_OPTS", String.join(" ", NodeProcess.SHORT_LIVED) + " -Xmx384m");
    env.putAll(Scripts.testBuild());
    for (String name : List.of("node-a", "node-b")) {
      Scripts.Run started = script(Map.of(), "start", name);
      assertThat(started.exitCode()).as(started.output()).isZero();
      assertThat(started.output()).contains(name + "  http://127.0.0.1:");
    }
  }

  @AfterAll
  static void stopTheNodes() throws Exception {
    if (data != null) {
      for (String name : List.of("node-b", "node-a")) {
        script(Map.of(), "stop", name);
      }
      TestNode.deleteTree(data);
    }
    if (database != null) {
      database.drop().await();
    }
    vertx.close().await();
  }

  @Test
  @Order(1)
  @Timeout(300)
  void nodeBRestartedByTheScriptWhileNodeAServesComesBackAndItsLogKeepsTheFirstRun() throws Exception {
    long pidBefore = runningPid("node-b");
    NodeApi a = new NodeApi(vertx, httpBase);
    NodeApi b = new NodeApi(vertx, httpBase + 1);
    String admin = a.adminToken().await();
    String alice = a.createUser(admin, "alice", "programmer").await();
    String viewer = a.createUser(admin, "victor", "viewer").await();
    String file = "1234567_NS.nc";
    a.create(alice, file, Buffer.buffer("G0 X0\n")).await();
    long before = a.latestSeq(admin).await();
    DeltaSocket browserAtA = DeltaSocket.connect(vertx, httpBase, viewer, before).await();
    Path logB = data.resolve("node-b.log");
    assertThat(DataDirectoryPermissionsTest.readableByOthers(data)).as("created owner-only").isEmpty();
    // as an older version of the script, run under a umask of 022, left it
    Files.setPosixFilePermissions(logB, PosixFilePermissions.fromString("rw-r--r--"));
    String logBefore = Files.readString(logB, StandardCharsets.UTF_8);

    // alice keeps checking her file out and in at node-a for as long as node-b restarts
    AtomicBoolean restarting = new AtomicBoolean(true);
    AtomicInteger answered = new AtomicInteger();
    CompletableFuture<String> failure = CompletableFuture.supplyAsync(() -> {
      for (int i = 0; restarting.get(); i++) {
        String action = i % 2 == 0 ? "/checkout" : "/cancel-checkout";
        try {
          int status = a.call(HttpMethod.POST, "/api/files/" + file + action, alice).timeout(10_000).send().await()
            .statusCode();
          if (status != 200) {
            return action + " answered " + status;
          }
          answered.incrementAndGet();
        } catch (RuntimeException e) {
          return action + " failed: " + e;
        }
      }
      return null;
    });
    long restartAt = System.nanoTime();
    Scripts.Run restarted = script(Map.of(), "restart", "node-b");
    long restartMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restartAt);
    restarting.set(false);
    assertThat(restarted.exitCode()).as(restarted.output()).isZero();
    assertThat(restarted.output()).contains("node-b stopped (was pid " + pidBefore + ")")
      .contains("node-b  http://127.0.0.1:" + (httpBase + 1));
    assertThat(failure.get(60, TimeUnit.SECONDS)).as("node-a served throughout the restart").isNull();
    assertThat(answered.get()).as("changes at node-a during the restart").isGreaterThan(1);
    assertThat(runningPid("node-b")).isNotEqualTo(pidBefore);
    assertThat(restarted.output()).contains("node.sh: mode of '" + logB + "' changed from 0644 (rw-r--r--) to 0600");
    assertThat(DataDirectoryPermissionsTest.readableByOthers(data)).as("tightened at the start").isEmpty();

    String logAfter = Files.readString(data.resolve("node-b.log"), StandardCharsets.UTF_8);
    assertThat(logAfter).as("appended to, not emptied").startsWith(logBefore);
    assertThat(count(logAfter, " serving http")).isEqualTo(2);
    assertThat(count(logAfter, "scripts/node.sh start node-b")).isEqualTo(2);

    long latest = a.latestSeq(admin).await();
    browserAtA.awaitActivity(latest, 30);
    assertThat(browserAtA.activitySeqs()).isEqualTo(LongStream.rangeClosed(before + 1, latest).boxed().toList());
    JsonObject health = b.health().await();
    assertThat(health.getString("status")).isEqualTo("up");
    assertThat(health.getJsonObject("cluster").getJsonArray("members").getList()).containsExactly("node-a", "node-b");
    // A browser of node-b, back with the last seq it saw before the restart, receives what it missed.
    DeltaSocket browserAtB = DeltaSocket.connect(vertx, httpBase + 1, viewer, before).await();
    browserAtB.awaitActivity(latest, 30);
    assertThat(browserAtB.activitySeqs()).isEqualTo(LongStream.rangeClosed(before + 1, latest).boxed().toList());
    System.out.printf("NodeScriptTest: node-b restarted by the script in %d ms while node-a answered %d changes%n",
      restartMs, answered.get());
    browserAtA.close().await();
    browserAtB.close().await();
    a.close();
    b.close();
  }

  @Test
  @Order(2)
  @Timeout(120)
  void aNodeThatRefusesToStartIsReportedWithItsReasonAndALogOverTheLimitIsMovedAside() throws Exception {
    assertThat(script(Map.of(), "stop", "node-b").exitCode()).isZero();
    assertThat(script(Map.of(), "status", "node-b").exitCode()).as("status of a stopped node").isEqualTo(3);
    String fullLog = Files.readString(data.resolve("node-b.log"), StandardCharsets.UTF_8);
    Scripts.Run refused = script(Map.of("LOG_MAX_BYTES", "1000", "PDM_CLUSTER_MERGE_SECONDS", "0"), "start", "node-b");
    assertThat(refused.exitCode()).as(refused.output()).isEqualTo(1);
    assertThat(refused.output()).contains("node-b did not start:")
      .contains("clusterMergeSeconds (PDM_CLUSTER_MERGE_SECONDS) must be a whole number of seconds of at least 1");
    assertThat(Files.readString(data.resolve("node-b.log.1"), StandardCharsets.UTF_8)).isEqualTo(fullLog);
    String newLog = Files.readString(data.resolve("node-b.log"), StandardCharsets.UTF_8);
    assertThat(newLog).startsWith("=== ").contains("The node could not start").doesNotContain(" serving http");
    assertThat(data.resolve("node-b.pid")).doesNotExist();
  }

  private static long runningPid(String name) throws Exception {
    Scripts.Run status = script(Map.of(), "status", name);
    assertThat(status.exitCode()).as(status.output()).isZero();
    Matcher pid = Pattern.compile("is running \\(pid (\\d+)\\)").matcher(status.output());
    assertThat(pid.find()).as(status.output()).isTrue();
    return Long.parseLong(pid.group(1));
  }

  private static Scripts.Run script(Map<String, String> extraEnv, String action, String name) throws Exception {
    Map<String, String> all = new HashMap<>(env);
    all.putAll(extraEnv);
    return Scripts.run(all, "node.sh", action, name);
  }

  private static int count(String text, String part) {
    return text.split(Pattern.quote(part), -1).length - 1;
  }

  /** The first of two consecutive free ports (node-a, node-b). */
  private static int twoFreePorts() throws IOException {
    for (int attempt = 0; attempt < 50; attempt++) {
      int first = TestNode.freePort();
      try (ServerSocket second = new ServerSocket(first + 1)) {
        return first;
      } catch (IOException taken) {
        // try another pair
      }
    }
    throw new IOException("no two consecutive free ports");
  }
}
