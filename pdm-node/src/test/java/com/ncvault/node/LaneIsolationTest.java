package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.ext.web.client.HttpResponse;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * One kind of slow request cannot stall a node: while anonymous logins for made-up names (each a
 * full bcrypt) and diffs of two 20,000-line revisions pour in, another user's checkout, download and
 * /health stay fast, the flood is refused with 503 and Retry-After beyond what the node takes on,
 * and the node's memory and open files stay bounded.
 */
class LaneIsolationTest {

  private static final int FLOOD_LOGINS = 60;
  private static final int DIFF_CLIENTS = 3;
  private static final int ROUNDS = 30;
  /**
   * The least the flood lasts while the other user is measured: refused logins are answered a
   * second after they were sent, so a shorter flood would send too few requests to show a leak.
   */
  private static final long FLOOD_MS = 6_000;
  /** Files the node may open for its own reasons (a log roll, a database page file) during the test. */
  private static final int LEAK_MARGIN = 40;
  /** The shared map the api's login throttle keeps its reservations in. */
  private static final String LOGIN_ATTEMPTS_MAP = "pdm.login-failures";

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static String alice;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    node = TestNode.start(vertx).await(60, TimeUnit.SECONDS);
    api = new NodeApi(vertx, node.port());
    alice = api.adminToken().compose(admin -> api.createUser(admin, "alice", "programmer")).await();
    api.create(alice, "1000001_SMALL.nc", Buffer.buffer("G21\n".repeat(256))).await();
    api.create(alice, "1000002_BIG.nc", program(20_000, false)).await();
    api.checkout(alice, "1000002_BIG.nc").await();
    api.checkin(alice, "1000002_BIG.nc", program(20_000, true), "every other line moved").await();
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close().await();
    vertx.close().await();
  }

  /** Every other block shared, the rest all different: a comparison that has to search widely. */
  private static Buffer program(int lines, boolean moved) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines; i++) {
      out.append(i % 2 == 0 ? "G00 Z5.\n" : (moved ? "G01 Y" : "G01 X") + i + ".\n");
    }
    return Buffer.buffer(out.toString());
  }

  @Test
  void aLoginFloodAndHugeDiffsLeaveAnotherUsersWorkFast() throws Exception {
    long filesBefore = openFiles();
    int reservedBefore = attemptsReserved();
    // The flood has its own client, so its kept-alive connections can be closed before the count.
    NodeApi flooder = new NodeApi(vertx, node.port());
    AtomicBoolean flooding = new AtomicBoolean(true);
    Map<Integer, AtomicInteger> loginStatuses = new ConcurrentHashMap<>();
    Map<Integer, AtomicInteger> diffStatuses = new ConcurrentHashMap<>();
    List<String> retryAfter = Collections.synchronizedList(new ArrayList<>());
    List<Future<Void>> flood = new ArrayList<>();
    for (int i = 0; i < FLOOD_LOGINS; i++) {
      flood.add(repeat(flooding, () -> flooder.call(HttpMethod.POST, "/api/auth/login", null)
        .sendJsonObject(new JsonObject().put("username", "nobody-" + UUID.randomUUID()).put("password", "guess-guess"))
        .onSuccess(r -> {
          count(loginStatuses, r.statusCode());
          if (r.statusCode() == 503) {
            retryAfter.add(r.getHeader("Retry-After"));
          }
        })));
    }
    for (int i = 0; i < DIFF_CLIENTS; i++) {
      flood.add(repeat(flooding, () -> flooder.call(HttpMethod.GET, "/api/files/1000002_BIG.nc/diff?from=1.0&to=1.1", alice)
        .send().onSuccess(r -> count(diffStatuses, r.statusCode()))));
    }

    List<Long> checkouts = new ArrayList<>();
    List<Long> downloads = new ArrayList<>();
    List<Long> health = new ArrayList<>();
    long heapPeak = 0;
    long floodEnds = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLOOD_MS);
    for (int round = 0; round < ROUNDS || System.nanoTime() < floodEnds; round++) {
      checkouts.add(timed(() -> api.checkout(alice, "1000001_SMALL.nc")
        .compose(v -> NodeApi.json(api.call(HttpMethod.POST, "/api/files/1000001_SMALL.nc/cancel-checkout", alice)
          .send(), 200))));
      downloads.add(timed(() -> api.call(HttpMethod.GET, "/api/files/1000001_SMALL.nc/content", alice).send()
        .compose(r -> TestNode.expect(r, 200))));
      health.add(timed(() -> api.call(HttpMethod.GET, "/health", null).send().compose(r -> TestNode.expect(r, 200))));
      heapPeak = Math.max(heapPeak, usedHeap());
    }
    JsonObject healthDuringFlood = api.call(HttpMethod.GET, "/health", null).send().await().bodyAsJsonObject();
    flooding.set(false);
    Future.join(flood).await(60, TimeUnit.SECONDS);
    int requests = total(loginStatuses) + total(diffStatuses);
    long filesAfterFlood = openFiles();
    flooder.close();
    long filesAfter = openFilesOnceAtMost(filesBefore + LEAK_MARGIN, TimeUnit.SECONDS.toNanos(10));

    System.out.printf("During a flood of %d logins and %d diff clients: checkout+cancel p50 %d ms max %d ms, "
        + "download p50 %d max %d, /health p50 %d max %d; logins %s, diffs %s; %d requests; peak heap %d MiB, open files %d -> %d with the flood's connections -> %d without%n",
      FLOOD_LOGINS, DIFF_CLIENTS, percentile(checkouts, 50), Collections.max(checkouts), percentile(downloads, 50),
      Collections.max(downloads), percentile(health, 50), Collections.max(health), loginStatuses, diffStatuses,
      requests, heapPeak >> 20, filesBefore, filesAfterFlood, filesAfter);

    // Only a login whose password was checked reserves an attempt of its name (each an entry for a
    // minute): the refused ones leave nothing behind, however fast they come.
    assertThat(attemptsReserved() - reservedBefore).as("attempts reserved in the login throttle's map")
      .isLessThanOrEqualTo(loginStatuses.getOrDefault(401, new AtomicInteger()).get());
    assertThat(percentile(checkouts, 90)).as("checkout + cancel, p90 ms").isLessThan(250);
    assertThat(percentile(downloads, 90)).as("1 KiB download, p90 ms").isLessThan(250);
    assertThat(percentile(health, 90)).as("/health, p90 ms").isLessThan(250);
    assertThat(healthDuringFlood.getString("status")).isEqualTo("up");
    assertThat(healthDuringFlood.getJsonObject("logins").getLong("refused"))
      .as("logins refused before any work for them").isPositive();
    assertThat(loginStatuses.keySet()).as("logins answered").containsOnly(401, 503).contains(503);
    assertThat(retryAfter).isNotEmpty().allSatisfy(value -> assertThat(value).matches("\\d+"));
    assertThat(diffStatuses.keySet()).as("diffs answered").isSubsetOf(422, 503).contains(422);
    assertThat(heapPeak).as("heap in use during the flood").isLessThan(700L << 20);
    assertThat(requests).as("flood requests, each a chance to leak a file").isGreaterThan(2 * LEAK_MARGIN);
    assertThat(filesAfter).as("open files once the flood's connections are closed").isLessThan(filesBefore + LEAK_MARGIN);
  }

  /** Entries of the node's login throttle (one per login attempt reserved in the last minute). */
  private static int attemptsReserved() {
    return vertx.sharedData().<String, Long>getAsyncMap(LOGIN_ATTEMPTS_MAP).compose(AsyncMap::size).await();
  }

  /** Sends one request after another while {@code running}. */
  private static Future<Void> repeat(AtomicBoolean running, Supplier<Future<HttpResponse<Buffer>>> request) {
    if (!running.get()) {
      return Future.succeededFuture();
    }
    Promise<Void> done = Promise.promise();
    request.get().onComplete(r -> repeat(running, request).onComplete(done));
    return done.future();
  }

  private static void count(Map<Integer, AtomicInteger> statuses, int status) {
    statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
  }

  private static long timed(Supplier<Future<?>> request) throws Exception {
    long start = System.nanoTime();
    request.get().await(30, TimeUnit.SECONDS);
    return (System.nanoTime() - start) / 1_000_000;
  }

  private static long percentile(List<Long> values, int p) {
    List<Long> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  private static int total(Map<Integer, AtomicInteger> statuses) {
    return statuses.values().stream().mapToInt(AtomicInteger::get).sum();
  }

  /**
   * The open-file count once it is below {@code bound}, or when {@code nanos} have passed: the
   * node closes its side of a connection when it reads the client's close, a moment later.
   */
  private static long openFilesOnceAtMost(long bound, long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    long files = openFiles();
    while (files >= bound && System.nanoTime() < deadline) {
      Thread.sleep(50);
      files = openFiles();
    }
    return files;
  }

  private static long openFiles() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }
}
