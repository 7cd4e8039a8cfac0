package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What a newcomer meets: the start-up log (a URL to open, no warning) with the jar's own logging
 * configuration, and the way back in when the admin password is lost (--reset-admin-password).
 */
@Timeout(240)
class NewcomerSetupTest {

  /** The jar's logging configuration (the test classpath would otherwise bring logback-test.xml). */
  private static final String PRODUCTION_LOGGING = "-Dlogback.configurationFile="
    + Path.of("target", "classes", "logback.xml").toAbsolutePath();
  private static final List<String> JVM =
    Stream.concat(NodeProcess.SHORT_LIVED.stream(), Stream.of(PRODUCTION_LOGGING)).toList();
  private static final List<String> RESET = List.of("--reset-admin-password");
  private static final Pattern RANDOM_PASSWORD = Pattern.compile("is now (\\S+)  \\(shown only now\\)");

  private static Vertx vertx;
  private static Path data;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    data = TestNode.tempDir();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
    TestNode.deleteTree(data);
  }

  @Test
  void aNormalStartNamesTheUrlToOpenAndWarnsOfNothingAndALostAdminPasswordIsResetOnlyWhileTheNodeIsStopped()
    throws Exception {
    int port = TestNode.freePort();
    String oldToken;
    try (NodeProcess node = NodeProcess.start(port, data, JVM, Map.of(), List.of());
         NodeApi api = new NodeApi(vertx, port)) {
      oldToken = api.adminToken().await();
      // What a page does at login: the list, and live updates twice (metrics register per connection).
      NodeApi.json(api.call(HttpMethod.GET, "/api/files", oldToken).send(), 200).await();
      WebSocketClient sockets = vertx.createWebSocketClient();
      for (int i = 0; i < 2; i++) {
        sockets.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(port).setURI("/ws?token=" + oldToken))
          .compose(socket -> socket.close()).await();
      }
      sockets.close().await();
      NodeApi.json(api.call(HttpMethod.GET, "/health", null).send(), 200).await();

      assertThat(node.output()).anySatisfy(line -> assertThat(line).contains("serving http://127.0.0.1:" + port + "/ "));
      assertThat(node.output()).noneSatisfy(line -> assertThat(line).containsAnyOf(" WARN ", " ERROR "));

      NodeProcess.Finished refused = NodeProcess.runToEnd(data, Map.of("PDM_ADMIN_PASSWORD", "a new admin password"), RESET);
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.text()).contains("A node is running on " + data.toRealPath() + " (its database is in use): stop it");
    }

    NodeProcess.Finished fromEnvironment = NodeProcess.runToEnd(data, Map.of("PDM_ADMIN_PASSWORD", "a new admin password"), RESET);
    assertThat(fromEnvironment.exitCode()).as(fromEnvironment.text()).isZero();
    assertThat(fromEnvironment.text()).contains("is now the one in PDM_ADMIN_PASSWORD; admin's sessions have ended")
      .doesNotContain("a new admin password");
    NodeProcess.Finished random = NodeProcess.runToEnd(data, Map.of(), RESET);
    assertThat(random.exitCode()).as(random.text()).isZero();
    Matcher printed = RANDOM_PASSWORD.matcher(random.text());
    assertThat(printed.find()).as(random.text()).isTrue();

    try (NodeProcess node = NodeProcess.start(port, data);
         NodeApi api = new NodeApi(vertx, port)) {
      assertThat(api.login("admin", printed.group(1)).await()).isNotBlank();
      HttpResponse<Buffer> oldPassword = api.call(HttpMethod.POST, "/api/auth/login", null)
        .sendJsonObject(new JsonObject().put("username", "admin").put("password", "a new admin password")).await();
      assertThat(oldPassword.statusCode()).isEqualTo(401);
      assertThat(api.call(HttpMethod.GET, "/api/auth/me", oldToken).send().await().statusCode())
        .as("a session from before the reset").isEqualTo(401);
    }
  }

  @Test
  void theStartLineNamesAnAddressToOpenNotTheWildcardTheNodeBindsTo() {
    JsonObject config = new JsonObject().put("httpPort", 8080);
    assertThat(PdmNode.pageUrl(config.copy().put("httpHost", "0.0.0.0"))).isEqualTo("http://localhost:8080/");
    assertThat(PdmNode.pageUrl(config.copy().put("httpHost", "::"))).isEqualTo("http://localhost:8080/");
    assertThat(PdmNode.pageUrl(config.copy().put("httpHost", "10.1.2.3"))).isEqualTo("http://10.1.2.3:8080/");
    assertThat(PdmNode.pageUrl(config.copy().put("httpHost", "fd00::1"))).isEqualTo("http://[fd00::1]:8080/");
    assertThat(PdmNode.pageUrl(config.copy().put("httpHost", "0.0.0.0").put("tlsCertPath", "c.pem").put("tlsKeyPath", "k.pem")))
      .isEqualTo("https://localhost:8080/");
  }

  @Test
  void resettingWhereThereIsNoVaultSaysSoAndCreatesNothing() throws Exception {
    Path empty = TestNode.tempDir();
    try {
      NodeProcess.Finished refused = NodeProcess.runToEnd(empty, Map.of(), RESET);
      assertThat(refused.exitCode()).isEqualTo(1);
      assertThat(refused.text()).contains("There is no vault in " + empty.toRealPath());
      assertThat(empty.resolve("db")).doesNotExist();
    } finally {
      TestNode.deleteTree(empty);
    }
  }
}
