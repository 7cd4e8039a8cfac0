package com.ncvault.api;

import static com.ncvault.api.Checks.verify;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.SocketHandoff;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** With tlsCertPath/tlsKeyPath set the node serves HTTPS and WSS, and the session cookie is Secure. */
@ExtendWith(VertxExtension.class)
class TlsTest {

  private static Path pemDir;
  private static TestApi api;

  @BeforeAll
  static void start() throws Exception {
    pemDir = Files.createTempDirectory("api-tls");
    Process openssl;
    try {
      openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
        "-subj", "/CN=localhost", "-keyout", pemDir.resolve("key.pem").toString(),
        "-out", pemDir.resolve("cert.pem").toString()).redirectErrorStream(true).start();
    } catch (java.io.IOException noOpenssl) {
      assumeTrue(false, "openssl is needed to make a test certificate");
      return;
    }
    assumeTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl made a certificate");
    api = TestApi.start(new JsonObject()
      .put(ConfigKeys.TLS_CERT, pemDir.resolve("cert.pem").toString())
      .put(ConfigKeys.TLS_KEY, pemDir.resolve("key.pem").toString()));
  }

  @AfterAll
  static void stop() {
    if (api != null) {
      api.close();
    }
    TestApi.deleteTree(pemDir);
  }

  @Test
  void loginOverHttpsSetsASecureCookie(VertxTestContext ctx) {
    verify(ctx, api.client.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("username", "paul").put("password", FakeStorage.PASSWORD)), response -> {
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.cookies()).singleElement().satisfies(cookie ->
          assertThat(cookie).contains("Secure").containsIgnoringCase("HttpOnly").contains("SameSite=Strict"));
      });
  }

  @Test
  void theBrowserPageConnectsOverWssFromItsHttpsOrigin(VertxTestContext ctx) {
    Promise<SocketHandoff> handedOver = Promise.promise();
    MessageConsumer<SocketHandoff> sync = api.vertx.eventBus().localConsumer(Addresses.SYNC_CONNECT,
      message -> handedOver.tryComplete(message.body()));
    WebSocketClient webSockets = api.vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
      .setTrustAll(true).setVerifyHost(false));
    Future<SocketHandoff> connected = sync.completion()
      .compose(v -> api.login("paul"))
      .compose(paul -> webSockets
        .connect(new WebSocketConnectOptions().setHost("localhost").setPort(api.port).setSsl(true).setURI("/ws")
          .addHeader("Cookie", "pdm_session=" + paul.token()).addHeader("Origin", "https://localhost:" + api.port)))
      .compose(socket -> handedOver.future().onComplete(done -> socket.close()))
      .eventually(webSockets::close);
    verify(ctx, connected, handoff -> {
      assertThat(handoff.user()).isEqualTo("paul");
      sync.unregister();
    });
  }
}
