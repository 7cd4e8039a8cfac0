package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A whole node (real storage and sync) serving HTTPS and WSS with a certificate from
 * tlsCertPath/tlsKeyPath, made here with openssl: clients that trust only that certificate (and
 * check the host name) log in, get a Secure session cookie, and see a change live over WSS; plain
 * HTTP gets nothing. (api-verticle's TlsTest checks the handshake and cookie against a fake storage.)
 */
@ExtendWith(VertxExtension.class)
class TlsEndToEndTest {

  private static Path pemDir;
  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi https;
  private static String admin;

  @BeforeAll
  static void start() throws Exception {
    pemDir = TestNode.tempDir();
    Process openssl;
    try {
      openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
        "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        "-keyout", pemDir.resolve("key.pem").toString(), "-out", pemDir.resolve("cert.pem").toString())
        .redirectErrorStream(true).start();
    } catch (IOException noOpenssl) {
      assumeTrue(false, "openssl is needed to make the test certificate");
      return;
    }
    assumeTrue(openssl.waitFor(60, TimeUnit.SECONDS) && openssl.exitValue() == 0, "openssl made a certificate");
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    node = TestNode.start(vertx, new JsonObject()
      .put(ConfigKeys.TLS_CERT, pemDir.resolve("cert.pem").toString())
      .put(ConfigKeys.TLS_KEY, pemDir.resolve("key.pem").toString())).await();
    https = new NodeApi(vertx, node.port(), new WebClientOptions().setSsl(true).setVerifyHost(true)
      .setTrustOptions(trustOnlyTheTestCertificate()));
    admin = https.adminToken().await();
  }

  @AfterAll
  static void stop() {
    if (https != null) {
      https.close();
    }
    if (node != null) {
      node.close().await();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    TestNode.deleteTree(pemDir);
  }

  private static PemTrustOptions trustOnlyTheTestCertificate() {
    return new PemTrustOptions().addCertPath(pemDir.resolve("cert.pem").toString());
  }

  @Test
  @Timeout(60)
  void aLoginOverHttpsSetsASecureHttpOnlyStrictCookie() {
    https.createUser(admin, "pat", "programmer").await();
    HttpResponse<Buffer> login = https.client().post("/api/auth/login").sendJsonObject(new JsonObject()
      .put("username", "pat").put("password", TestNode.passwordOf("pat"))).await();
    assertThat(login.statusCode()).isEqualTo(200);
    assertThat(login.cookies()).singleElement().satisfies(cookie -> {
      List<String> attributes = List.of(cookie.split(";\\s*"));
      assertThat(attributes).contains("Secure", "SameSite=Strict");
      assertThat(attributes).anyMatch(a -> a.equalsIgnoreCase("HttpOnly"));
    });
    assertThat(https.call(HttpMethod.GET, "/api/auth/me", null).putHeader("Cookie", "pdm_session="
      + login.bodyAsJsonObject().getString("token")).send().await().bodyAsJsonObject().getString("username"))
      .isEqualTo("pat");
  }

  @Test
  @Timeout(60)
  void aBrowserOnTheHttpsPageSeesAChangeLiveOverWss() throws Exception {
    String quinn = https.createUser(admin, "quinn", "programmer").await();
    String name = "5200001_TLS.nc";
    https.create(quinn, name, Buffer.buffer("G0 X0\n")).await();
    List<JsonObject> received = new CopyOnWriteArrayList<>();
    Promise<JsonObject> snapshot = Promise.promise();
    Promise<JsonObject> locked = Promise.promise();
    WebSocketClient webSockets = vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
      .setVerifyHost(true).setTrustOptions(trustOnlyTheTestCertificate()));
    ClientWebSocket socket = webSockets.webSocket();
    socket.textMessageHandler(text -> {
      JsonObject message = new JsonObject(text);
      received.add(message);
      if ("FILE_LIST_UPDATED".equals(message.getString("type"))) {
        snapshot.tryComplete(message);
      } else if ("FILE_LOCKED".equals(message.getString("type"))) {
        locked.tryComplete(message);
      }
    });
    socket.connect(new WebSocketConnectOptions().setHost("localhost").setPort(node.port()).setSsl(true)
        .setURI("/ws?proto=2").addHeader("Cookie", "pdm_session=" + quinn)
        .addHeader("Origin", "https://localhost:" + node.port())).await();
    JsonObject list = snapshot.future().await(20, TimeUnit.SECONDS);
    https.checkout(quinn, name).await();
    JsonObject lock = locked.future().await(20, TimeUnit.SECONDS);
    socket.close().await();
    webSockets.close().await();
    assertThat(list.getJsonObject("payload").encode()).contains(name);
    assertThat(lock.getJsonObject("payload").getJsonObject("file").getString("lockedBy")).isEqualTo("quinn");
    assertThat(lock.getLong("seq")).isGreaterThan(list.getLong("seq"));
  }

  @Test
  @Timeout(60)
  void plainHttpOnTheTlsPortGetsNoAnswerAndUntrustingClientsAreRefused() throws Exception {
    HttpClient plainClient = vertx.createHttpClient();
    Future<Buffer> plain = plainClient.request(HttpMethod.GET, node.port(), "127.0.0.1", "/api/openapi.yaml")
      .compose(request -> request.send())
      .compose(response -> response.body());
    assertThat(plain.transform(ar -> Future.succeededFuture(ar.failed())).await()).as("plain HTTP failed").isTrue();
    plainClient.close().await();
    NodeApi untrusting = new NodeApi(vertx, node.port(), new WebClientOptions().setSsl(true));
    try {
      assertThat(untrusting.call(HttpMethod.GET, "/health", null).send()
        .transform(ar -> Future.succeededFuture(ar.failed())).await())
        .as("a client that does not trust the self-signed certificate is refused by its own TLS check").isTrue();
    } finally {
      untrusting.close();
    }
    assertThat(Files.readString(pemDir.resolve("cert.pem"))).startsWith("-----BEGIN CERTIFICATE-----");
  }
}
