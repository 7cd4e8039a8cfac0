package com.ncvault.node;

import static com.ncvault.node.TestNode.expect;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
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
}
