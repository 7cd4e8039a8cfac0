package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node in its own JVM logging everything (DEBUG, access log) to its console and a file. Users
 * log in (JSON, and a refused form; right and wrong passwords, broken and oversized bodies), passwords are
 * changed, tokens travel as Bearer, cookie, {@code ?token=} and in the wrong query parameters,
 * forged and expired tokens are tried. Afterwards no password, token, token signature or
 * configured secret appears anywhere in what the node wrote.
 */
@ExtendWith(VertxExtension.class)
class LogSecrecyTest {

  private Vertx vertx;
  private Path dataDir;
  private Path logDir;
  private NodeProcess node;
  private NodeApi api;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    dataDir = TestNode.tempDir();
    logDir = TestNode.tempDir();
  }

  @AfterEach
  void tearDown() throws InterruptedException {
    if (node != null) {
      node.close();
    }
    if (api != null) {
      api.close();
    }
    vertx.close().await();
    TestNode.deleteTree(dataDir);
    TestNode.deleteTree(logDir);
  }

  private static String unique(String what) {
    return what + "-" + UUID.randomUUID().toString().substring(0, 13);
  }

  @Test
  @Timeout(180)
  void noPasswordTokenOrSecretEverReachesTheLogs() throws Exception {
    Path logFile = logDir.resolve("node.log");
    String signingKey = unique("signing-key");
    String clusterSecret = unique("cluster-secret");
    int port = TestNode.freePort();
    node = NodeProcess.start(port, dataDir,
      List.of("-Dlogback.configurationFile=logback-everything.xml", "-Dpdm.test.logFile=" + logFile),
      Map.of("PDM_JWT_SECRET", signingKey, "PDM_CLUSTER_SECRET", clusterSecret), List.of());
    api = new NodeApi(vertx, port);
    List<String> secrets = new ArrayList<>(List.of(TestNode.ADMIN_PASSWORD, signingKey, clusterSecret));

    String admin = api.adminToken().await();
    String firstPassword = unique("first-password");
    String secondPassword = unique("second-password");
    String wrongPassword = unique("wrong-password");
    String brokenJsonPassword = unique("broken-json-password");
    String oversizePassword = unique("oversize-password");
    String queryPassword = unique("query-password");
    secrets.addAll(List.of(admin, firstPassword, secondPassword, wrongPassword, brokenJsonPassword, oversizePassword,
      queryPassword));

    NodeApi.json(api.call(HttpMethod.POST, "/api/admin/users", admin).sendJsonObject(new JsonObject()
      .put("username", "pat").put("password", firstPassword).put("role", "programmer")), 201).await();
    String pat = api.login("pat", firstPassword).await();
    assertThat(api.client().post("/api/auth/login").sendForm(MultiMap.caseInsensitiveMultiMap()
      .add("username", "pat").add("password", firstPassword)).await().statusCode()).as("a login form").isEqualTo(415);
    assertThat(api.client().post("/api/auth/login").sendJsonObject(new JsonObject().put("username", "pat")
      .put("password", wrongPassword)).await().statusCode()).isEqualTo(401);
    assertThat(api.client().post("/api/auth/login").putHeader("Content-Type", "application/json")
      .sendBuffer(Buffer.buffer("{\"username\":\"pat\",\"password\":\"" + brokenJsonPassword + "\"")).await()
      .statusCode()).isEqualTo(400);
    assertThat(api.client().post("/api/auth/login").sendJsonObject(new JsonObject().put("username", "pat")
      .put("password", oversizePassword + "x".repeat(70_000))).await().statusCode()).isEqualTo(413);
    NodeApi.json(api.call(HttpMethod.POST, "/api/admin/users/pat/password", admin)
      .sendJsonObject(new JsonObject().put("password", secondPassword)), 200).await();
    String patAgain = api.login("pat", secondPassword).await();
    secrets.addAll(List.of(pat, patAgain));

    assertThat(api.call(HttpMethod.GET, "/api/files", patAgain).send().await().statusCode()).isEqualTo(200);
    assertThat(api.call(HttpMethod.GET, "/api/files", pat).send().await().statusCode())
      .as("a token from before the new password").isEqualTo(401);
    assertThat(api.client().get("/api/auth/me").putHeader("Cookie", "pdm_session=" + patAgain).send().await()
      .statusCode()).isEqualTo(200);
    api.client().get("/api/files?token=" + patAgain + "&access_token=" + pat + "&password=" + queryPassword)
      .send().await();
    api.client().get("/api/files?q=x&tok%65n=" + patAgain).send().await();
    // Git LFS clients send the password itself with every request (HTTP Basic)
    String lfsWrongPassword = unique("lfs-wrong-password");
    for (String password : List.of(secondPassword, lfsWrongPassword)) {
      String basic = java.util.Base64.getEncoder().encodeToString(("pat:" + password).getBytes(StandardCharsets.UTF_8));
      secrets.addAll(List.of(password, basic));
      assertThat(api.client().post("/lfs/objects/batch").putHeader("Authorization", "Basic " + basic)
        .sendJsonObject(new JsonObject().put("operation", "download").put("objects", new io.vertx.core.json.JsonArray()))
        .await().statusCode()).as("git lfs with the password " + (password.equals(secondPassword) ? "right" : "wrong"))
        .isEqualTo(password.equals(secondPassword) ? 200 : 401);
    }

    String expired = TestTokens.sign(signingKey, TestTokens.claims("admin", TestTokens.accountIdOf(admin), "admin", -60));
    String unsigned = TestTokens.unsigned(TestTokens.claims("admin", TestTokens.accountIdOf(admin), "admin", 3600).put("note", unique("forged")));
    String nullExpiry = TestTokens.sign(signingKey, TestTokens.claims("admin", TestTokens.accountIdOf(admin), "admin", 0).putNull("exp"));
    String otherKey = TestTokens.sign(unique("other-key"), TestTokens.claims("admin", TestTokens.accountIdOf(admin), "admin", 3600));
    for (String forged : List.of(expired, unsigned, nullExpiry, otherKey)) {
      assertThat(api.call(HttpMethod.GET, "/api/admin/users", forged).send().await().statusCode()).isEqualTo(401);
      secrets.add(forged);
    }

    WebSocketClient webSockets = vertx.createWebSocketClient();
    ClientWebSocket socket = webSockets.webSocket();
    Promise<Void> heard = Promise.promise();
    socket.textMessageHandler(text -> heard.tryComplete());
    socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1")
      .setPort(port).setURI("/ws?proto=2&since=0&token=" + patAgain)).await();
    heard.future().await(20, TimeUnit.SECONDS);
    socket.close().await();
    webSockets.close().await();
    assertThat(api.client().get("/ws?token=" + expired).putHeader("Upgrade", "websocket").send().await().statusCode())
      .isEqualTo(401);

    node.stop();
    String written = Files.readString(logFile) + "\n" + String.join("\n", node.output());
    assertThat(written).as("the access log was on").contains("POST /api/auth/login 200")
      .contains("GET /api/admin/users 401");
    assertThat(written).as("DEBUG was on").contains(" DEBUG ");
    for (String secret : secrets) {
      assertThat(written).as("the log").doesNotContain(secret);
      if (secret.split("\\.").length == 3) {
        assertThat(written).as("the log, a token's signature").doesNotContain(secret.split("\\.")[2]);
      }
    }
  }
}
