package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Three clustered nodes on one PostgreSQL database. Programmers at all three nodes change files as
 * fast as they can; in the middle of that burst node C is killed with SIGKILL. The browsers
 * (proto-2 sockets) at A and B receive every seq once and in order, missing nothing of the
 * changes made at any node; node C restarts on its data and its browser, reconnecting there
 * with {@code since}, catches up with exactly the seqs it missed and then follows live changes.
 */
@ExtendWith(VertxExtension.class)
class ClusterFaultTest {

  private static final int A = 0;
  private static final int B = 1;
  private static final int C = 2;
  private static final int OPS_PER_WRITER = 40;
  private static final int KILL_AFTER = 30;
  private static final long WAIT_SECONDS = 60;

  private static Vertx vertx;
  private static TestPostgres database;
  private static TestCluster cluster;
  private static final List<NodeApi> nodes = new ArrayList<>();

  @BeforeAll
  static void startCluster() throws Exception {
    vertx = Vertx.vertx();
    database = TestPostgres.create(vertx).await();
    cluster = new TestCluster(database.uri());
    for (int i = A; i <= C; i++) {
      cluster.start(i);
      nodes.add(new NodeApi(vertx, cluster.httpPort(i)));
    }
  }

  @AfterAll
  static void stopCluster() throws InterruptedException {
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
  @Timeout(300)
  void browsersOfTheSurvivingNodesMissNothingAndTheRestartedNodeCatchesItsBrowserUp() throws Exception {
    String admin = nodes.get(A).adminToken().await();
    List<String> writers = new ArrayList<>();
    for (int i = A; i <= C; i++) {
      String name = "writer" + i;
      writers.add(nodes.get(i).createUser(admin, name, "programmer").await());
      nodes.get(i).create(writers.get(i), String.format("%07d_CF.nc", 5_300_000 + i), Buffer.buffer("G0 X" + i + "\n"))
        .await();
    }
    String viewer = nodes.get(B).createUser(admin, "watcher", "viewer").await();
    long start = nodes.get(A).latestSeq(admin).await();
    List<DeltaSocket> browsers = new ArrayList<>();
    for (int i = A; i <= C; i++) {
      browsers.add(DeltaSocket.connect(vertx, cluster.httpPort(i), viewer, start).await());
    }

    AtomicInteger answered = new AtomicInteger();
    AtomicBoolean killed = new AtomicBoolean();
    ExecutorService threads = Executors.newFixedThreadPool(3);
    List<Future<Integer>> done = new ArrayList<>();
    for (int i = A; i <= C; i++) {
      int node = i;
      done.add(threads.submit(() -> burst(node, writers.get(node), answered, killed)));
    }
    List<Integer> okPerNode = new ArrayList<>();
    for (Future<Integer> f : done) {
      okPerNode.add(f.get(240, TimeUnit.SECONDS));
    }
    threads.shutdown();
    assertThat(killed).as("node C was killed during the burst").isTrue();
    assertThat(okPerNode.get(A)).isEqualTo(OPS_PER_WRITER);
    assertThat(okPerNode.get(B)).isEqualTo(OPS_PER_WRITER);
    assertThat(okPerNode.get(C)).isLessThan(OPS_PER_WRITER);

    long latest = nodes.get(A).latestSeq(admin).await();
    List<JsonObject> events = nodes.get(A).eventsSince(admin, start).await();
    List<Long> every = LongStream.rangeClosed(start + 1, latest).boxed().toList();
    assertThat(events.stream().map(e -> e.getLong("seq")).toList()).isEqualTo(every);
    for (int i : new int[] {A, B}) {
      browsers.get(i).awaitActivity(latest, WAIT_SECONDS);
      assertThat(browsers.get(i).activitySeqs()).as("seqs seen by the browser at node %d", i).isEqualTo(every);
      assertDeltasMatch(browsers.get(i), events);
    }

    DeltaSocket atC = browsers.get(C);
    atC.closed().await(WAIT_SECONDS, TimeUnit.SECONDS);
    long lastSeenAtC = atC.lastSeq(start);
    assertThat(atC.activitySeqs()).as("what C's browser saw before the crash")
      .isEqualTo(LongStream.rangeClosed(start + 1, lastSeenAtC).boxed().toList());

    cluster.start(C);
    nodes.get(C).close();
    nodes.set(C, new NodeApi(vertx, cluster.httpPort(C)));
    DeltaSocket reconnected = DeltaSocket.connect(vertx, cluster.httpPort(C), viewer, lastSeenAtC).await();
    reconnected.awaitActivity(latest, WAIT_SECONDS);
    NodeApi.json(nodes.get(B).call(HttpMethod.POST, "/api/files/" + String.format("%07d_CF.nc", 5_300_000 + B)
      + "/checkout", writers.get(B)).send(), 200).await();
    reconnected.awaitActivity(latest + 1, WAIT_SECONDS);
    for (int i : new int[] {A, B}) {
      browsers.get(i).awaitActivity(latest + 1, WAIT_SECONDS);
    }

    assertThat(reconnected.activitySeqs()).as("the restarted node's browser: the missed seqs, then live")
      .isEqualTo(LongStream.rangeClosed(lastSeenAtC + 1, latest + 1).boxed().toList());
    assertThat(reconnected.messages()).as("caught up by replay, not by a snapshot")
      .noneMatch(m -> "FILE_LIST_UPDATED".equals(m.getString("type")));
    assertDeltasMatch(reconnected, nodes.get(C).eventsSince(admin, lastSeenAtC).await());
    System.out.printf("ClusterFaultTest: seqs %d..%d, node C killed after %d answered changes, its browser had seen "
      + "%d, answered per node %s%n", start + 1, latest, KILL_AFTER, lastSeenAtC, okPerNode);
    for (DeltaSocket browser : List.of(browsers.get(A), browsers.get(B), reconnected)) {
      browser.close().await();
    }
  }

  /** Checkout and cancel in turn on the writer's own file at its node until done or the node dies. */
  private static int burst(int node, String token, AtomicInteger answered, AtomicBoolean killed) throws Exception {
    String file = "/api/files/" + String.format("%07d_CF.nc", 5_300_000 + node);
    int ok = 0;
    for (int i = 0; i < OPS_PER_WRITER; i++) {
      if (answered.get() >= KILL_AFTER && killed.compareAndSet(false, true)) {
        cluster.node(C).kill();
      }
      String action = i % 2 == 0 ? "/checkout" : "/cancel-checkout";
      try {
        HttpResponse<Buffer> response = nodes.get(node).call(HttpMethod.POST, file + action, token)
          .timeout(30_000).send().await();
        assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
        ok++;
        answered.incrementAndGet();
      } catch (AssertionError e) {
        throw e;
      } catch (Exception nodeGone) {
        assertThat(node).as("only node C's writer loses its node: " + nodeGone).isEqualTo(C);
        return ok;
      }
    }
    return ok;
  }

  /** Each ACTIVITY matches the stored event of its seq, and comes after the deltas of that seq. */
  private static void assertDeltasMatch(DeltaSocket browser, List<JsonObject> events) {
    List<JsonObject> messages = browser.messages();
    for (JsonObject event : events) {
      long seq = event.getLong("seq");
      List<JsonObject> ofSeq = messages.stream().filter(m -> m.getLong("seq") != null && m.getLong("seq") == seq).toList();
      assertThat(ofSeq).as("messages of seq %d", seq).isNotEmpty();
      JsonObject last = ofSeq.get(ofSeq.size() - 1);
      assertThat(last.getString("type")).as("last message of seq %d", seq).isEqualTo("ACTIVITY");
      JsonObject activity = last.getJsonObject("payload");
      assertThat(activity.getString("event_type")).isEqualTo(event.getString("type"));
      assertThat(activity.getString("filename")).isEqualTo(event.getString("filename"));
      assertThat(activity.getString("user")).isEqualTo(event.getString("user"));
      if (event.getJsonObject("file") != null) {
        assertThat(ofSeq.size()).as("a delta before the ACTIVITY of seq %d", seq).isGreaterThan(1);
      }
    }
  }
}
