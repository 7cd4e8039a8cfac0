package com.ncvault.node;

import static com.ncvault.node.TestNode.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import java.io.File;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.multipart.MultipartForm;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A program in another language (the example consumer, run by Node) on a node's TCP event-bus
 * bridge: it follows the domain events and asks read-only questions, always with a login token;
 * every other address and any frame without a valid token is refused.
 */
@Timeout(120)
class BridgeTest {

  private static final String FILE = "1000001_BR1.nc";
  private static final long WAIT_SECONDS = 60;

  private static Vertx vertx;
  private static TestNode node;
  private static int bridgePort;
  private static String pat;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    bridgePort = TestNode.freePort();
    node = TestNode.start(vertx, new JsonObject().put(ConfigKeys.BRIDGE_PORT, bridgePort)).await();
    String admin = node.adminToken().await();
    pat = node.createUser(admin, "pat", "programmer").await();
    MultipartForm form = MultipartForm.create()
      .binaryFileUpload("file", FILE, Buffer.buffer("%\nO1000\nG0 X0\nM30\n%\n"), "application/octet-stream");
    node.client().post("/api/files").bearerTokenAuthentication(pat).sendMultipartForm(form)
      .compose(r -> expect(r, 201)).await();
  }

  @AfterAll
  static void stop() {
    node.close().await();
    vertx.close().await();
  }

  private static Future<HttpResponse<Buffer>> post(String path) {
    return node.client().post("/api/files/" + FILE + path).bearerTokenAuthentication(pat)
      .sendJsonObject(new JsonObject()).compose(r -> expect(r, 200));
  }

  private static boolean isEvent(JsonObject line, String type) {
    return "message".equals(line.getString("type")) && line.getJsonObject("body") != null
      && type.equals(line.getJsonObject("body").getString("type"));
  }

  @Test
  void aProgramOnTheBridgeReceivesEveryChangeAsTheDomainEvent() throws Exception {
    try (BridgeConsumer consumer = BridgeConsumer.start(bridgePort, "--token", pat, "--count", "2")) {
      long ready = consumer.await(line -> "ready".equals(line.getString("type")), WAIT_SECONDS).getLong("latestSeq");

      post("/checkout").compose(v -> post("/cancel-checkout")).await();

      JsonObject checkout = consumer.await(line -> isEvent(line, "checkout"), WAIT_SECONDS);
      JsonObject cancel = consumer.await(line -> isEvent(line, "cancel"), WAIT_SECONDS);
      assertThat(checkout.getString("address")).isEqualTo("pdm.events.domain");
      assertThat(checkout.getJsonObject("body").getLong("seq")).isEqualTo(ready + 1);
      assertThat(checkout.getJsonObject("body").getJsonObject("file").getString("lockedBy")).isEqualTo("pat");
      assertThat(cancel.getJsonObject("body").getLong("seq")).isEqualTo(ready + 2);
      assertThat(consumer.exitCode(WAIT_SECONDS)).isZero();
    }
  }

  @Test
  void registeringForAnAddressOutsideTheAllowListIsRefused() throws Exception {
    try (BridgeConsumer consumer = BridgeConsumer.start(bridgePort, "--token", pat, "--address", "pdm.sync.presence")) {
      JsonObject refusal = consumer.await(line -> "err".equals(line.getString("type")), WAIT_SECONDS);
      assertThat(refusal.encode()).contains("denied");
      assertThat(consumer.exitCode(WAIT_SECONDS)).isEqualTo(3);
    }
  }

  @Test
  void aRequestWithoutATokenIsRefused() throws Exception {
    try (BridgeConsumer consumer = BridgeConsumer.start(bridgePort, "--request", "files.list")) {
      consumer.await(line -> "err".equals(line.getString("type")), WAIT_SECONDS);
      assertThat(consumer.exitCode(WAIT_SECONDS)).isEqualTo(3);
      assertThat(consumer.printed()).noneMatch(line -> line.containsKey("body"));
    }
  }

  @Test
  void followingWithAForgedTokenIsRefused() throws Exception {
    String forged = pat.substring(0, pat.lastIndexOf('.') + 1) + "c2lnbmF0dXJl";
    try (BridgeConsumer consumer = BridgeConsumer.start(bridgePort, "--token", forged)) {
      consumer.await(line -> "err".equals(line.getString("type")), WAIT_SECONDS);
      assertThat(consumer.exitCode(WAIT_SECONDS)).isEqualTo(3);
    }
  }

  @Test
  void aProgramWithATokenGetsReadOnlyAnswers() throws Exception {
    try (BridgeConsumer consumer = BridgeConsumer.start(bridgePort, "--token", pat, "--request", "files.get",
      "--body", new JsonObject().put("filename", FILE).encode())) {
      JsonObject answer = consumer.await(line -> line.containsKey("body"), WAIT_SECONDS);
      assertThat(answer.getJsonObject("body").getString("filename")).isEqualTo(FILE);
      assertThat(consumer.exitCode(WAIT_SECONDS)).isZero();
    }
  }

  @Test
  void aProgramCannotChangeAnythingThroughTheBridge() throws Exception {
    try (BridgeConsumer consumer = BridgeConsumer.start(bridgePort, "--token", pat, "--request", "files.checkout",
      "--body", new JsonObject().put("filename", FILE).encode())) {
      JsonObject refusal = consumer.await(line -> line.containsKey("failureCode"), WAIT_SECONDS);
      assertThat(refusal.getInteger("failureCode")).isEqualTo(403);
      assertThat(consumer.exitCode(WAIT_SECONDS)).isEqualTo(3);
    }
    JsonObject file = node.client().get("/api/files/" + FILE).bearerTokenAuthentication(pat).send()
      .compose(r -> expect(r, 200)).await().bodyAsJsonObject();
    assertThat(file.getString("status")).isEqualTo("unlocked");
  }

  // ---------------------------------------------------------------- sessions and frames

  private static JsonObject fileAsked(BridgeClient client, String token) {
    return client.request("files.get", new JsonObject().put("filename", FILE), token).await();
  }

  private static boolean answered(JsonObject reply) {
    return reply.getJsonObject("body") != null && FILE.equals(reply.getJsonObject("body").getString("filename"));
  }

  private static void setPassword(String username) {
    String admin = node.adminToken().await();
    node.client().post("/api/admin/users/" + username + "/password").bearerTokenAuthentication(admin)
      .sendJsonObject(new JsonObject().put("password", "a fresh password for " + username))
      .compose(r -> expect(r, 200)).await();
  }

  @Test
  void aTokenEndedByANewPasswordOrADeletionOpensNothingOnTheBridge() {
    String admin = node.adminToken().await();
    String rex = node.createUser(admin, "rex", "programmer").await();
    String dex = node.createUser(admin, "dex", "programmer").await();
    String rexLive = node.client().get("/api/auth/live-token").bearerTokenAuthentication(rex).send()
      .compose(r -> expect(r, 200)).await().bodyAsJsonObject().getString("token");
    BridgeClient before = BridgeClient.connect(vertx, bridgePort).await();
    assertThat(answered(fileAsked(before, rex))).as("rex's token before").isTrue();
    assertThat(answered(fileAsked(before, dex))).as("dex's token before").isTrue();
    assertThat(fileAsked(before, rexLive).getString("type")).as("a live token (it opens /ws only)").isEqualTo("err");

    setPassword("rex");
    node.client().delete("/api/admin/users/dex").bearerTokenAuthentication(admin).send()
      .compose(r -> expect(r, 204)).await();
    String newDex = node.createUser(admin, "dex", "viewer").await();

    BridgeClient after = BridgeClient.connect(vertx, bridgePort).await();
    assertThat(fileAsked(after, rex).getString("type")).as("rex's token after a new password").isEqualTo("err");
    BridgeClient again = BridgeClient.connect(vertx, bridgePort).await();
    assertThat(fileAsked(again, dex).getString("type")).as("dex's token after deletion and a new dex").isEqualTo("err");
    BridgeClient registering = BridgeClient.connect(vertx, bridgePort).await();
    registering.register("pdm.events.domain", rex).await();
    assertThat(registering.next(f -> "err".equals(f.getString("type"))).await().encode())
      .as("registering with rex's old token").contains("blocked");

    BridgeClient fresh = BridgeClient.connect(vertx, bridgePort).await();
    assertThat(answered(fileAsked(fresh, newDex))).as("the new dex's own token").isTrue();
    assertThat(answered(fileAsked(fresh, node.login("rex", "a fresh password for rex").await())))
      .as("rex after logging in with the new password").isTrue();
    for (BridgeClient client : List.of(before, after, again, registering, fresh)) {
      client.close();
    }
  }

  @Test
  void aRegisteredConsumerStopsReceivingWhenItsAccountGetsANewPassword() {
    String admin = node.adminToken().await();
    String flo = node.createUser(admin, "flo", "viewer").await();
    BridgeClient floClient = BridgeClient.connect(vertx, bridgePort).await();
    BridgeClient patClient = BridgeClient.connect(vertx, bridgePort).await();
    for (var follower : List.of(Map.entry(floClient, flo), Map.entry(patClient, pat))) {
      // the first answer also puts the account in the bridge's cache, so the register below is in
      // effect before the second answer
      assertThat(answered(fileAsked(follower.getKey(), follower.getValue()))).isTrue();
      follower.getKey().register("pdm.events.domain", follower.getValue()).await();
      assertThat(answered(fileAsked(follower.getKey(), follower.getValue()))).isTrue();
    }

    post("/checkout").await();
    assertThat(floClient.next(line -> isEvent(line, "checkout")).await()).isNotNull();

    setPassword("flo");
    floClient.closed().await();
    assertThat(floClient.next(f -> "err".equals(f.getString("type"))).await().getString("message"))
      .startsWith("session_ended");

    post("/cancel-checkout").await();
    assertThat(patClient.next(line -> isEvent(line, "cancel")).await()).as("another consumer goes on").isNotNull();
    assertThat(floClient.received()).noneMatch(line -> isEvent(line, "cancel"));
    patClient.close();
  }

  @Test
  void aFrameDeclaringTwoGibibytesClosesItsConnectionUnreadWhileOtherClientsAreServed() throws Exception {
    BridgeClient patClient = BridgeClient.connect(vertx, bridgePort).await();
    assertThat(answered(fileAsked(patClient, pat))).isTrue();
    Vertx attackers = Vertx.vertx();
    try {
      BridgeClient probe = BridgeClient.connect(attackers, bridgePort).await();
      probe.socket().write(Buffer.buffer().appendInt(Integer.MAX_VALUE)).await();
      assertThat(probe.next(f -> "err".equals(f.getString("type"))).await().getString("message"))
        .startsWith("frame_too_large");
      probe.closed().await();

      long heapBefore = usedHeapAfterGc();
      long filesBefore = openFiles();
      int attackerCount = 8;
      long bytesEach = 32L << 20;
      List<Future<Long>> floods = new ArrayList<>();
      List<BridgeClient> clients = new ArrayList<>();
      for (int i = 0; i < attackerCount; i++) {
        BridgeClient attacker = BridgeClient.connect(attackers, bridgePort).await();
        clients.add(attacker);
        floods.add(flood(attacker, bytesEach));
      }
      List<Long> latencies = new ArrayList<>();
      do {
        long start = System.nanoTime();
        assertThat(answered(fileAsked(patClient, pat))).as("another client during the attack").isTrue();
        latencies.add((System.nanoTime() - start) / 1_000_000);
      } while (!Future.all(floods).isComplete());
      long heapGrowth = usedHeapAfterGc() - heapBefore;
      for (BridgeClient attacker : clients) {
        attacker.closed().await();
      }
      long filesAfter = openFilesOnceAtMost(filesBefore + 2, 10_000);
      long sent = floods.stream().mapToLong(f -> f.result()).sum();
      System.out.printf("bridge frame flood: %d connections, %d KiB sent before the node closed them, heap +%d KiB, "
        + "open files %d -> %d, another client's requests %s ms%n", attackerCount, sent >> 10, heapGrowth >> 10,
        filesBefore, filesAfter, latencies);
      assertThat(heapGrowth).as("heap kept after the attack").isLessThan(32L << 20);
      assertThat(filesAfter).as("open files after the attack").isLessThanOrEqualTo(filesBefore + 2);
      assertThat(latencies).as("another client's request latency (ms)").allMatch(ms -> ms < 2000);
      assertThat(answered(fileAsked(patClient, pat))).as("another client after the attack").isTrue();
    } finally {
      attackers.close().await();
      patClient.close();
    }
  }

  /**
   * Declares a 2 GiB frame and streams its body until {@code bytes} are sent or the node closes the
   * connection; the bytes the socket took.
   */
  private static Future<Long> flood(BridgeClient attacker, long bytes) {
    NetSocket socket = attacker.socket();
    Promise<Long> done = Promise.promise();
    Buffer chunk = Buffer.buffer(new byte[64 * 1024]);
    long[] sent = {0};
    attacker.closed().onComplete(v -> done.tryComplete(sent[0]));
    socket.exceptionHandler(e -> done.tryComplete(sent[0]));
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (sent[0] < bytes && !socket.writeQueueFull() && !done.future().isComplete()) {
        socket.write(chunk);
        sent[0] += chunk.length();
      }
      if (sent[0] >= bytes) {
        done.tryComplete(sent[0]);
      } else {
        socket.drainHandler(v -> pump[0].run());
      }
    };
    socket.write(Buffer.buffer().appendInt(Integer.MAX_VALUE - 1)).onComplete(v -> pump[0].run());
    return done.future();
  }

  private static long usedHeapAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long openFiles() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  /** The open-file count once it is at most {@code bound}, or after {@code millis}: sockets close a moment after their peer's. */
  private static long openFilesOnceAtMost(long bound, long millis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + millis;
    long files = openFiles();
    while (files > bound && System.currentTimeMillis() < deadline) {
      Thread.sleep(50);
      files = openFiles();
    }
    return files;
  }
}
