package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of response a real node sends (the page, static files, API answers, downloads, health,
 * metrics, every kind of error, 404s inside and outside the API) carries the browser protections:
 * a Content-Security-Policy that allows no inline script and no framing, nosniff, DENY framing,
 * no referrer. And the page itself needs no inline script, so the policy costs the UI nothing.
 */
@ExtendWith(VertxExtension.class)
class SecurityHeadersTest {

  private static final String FILE = "5100001_SH.txt";

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static String admin;
  private static String pat;
  private static String vic;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    node = TestNode.start(vertx).await();
    api = new NodeApi(vertx, node.port());
    admin = api.adminToken().await();
    pat = api.createUser(admin, "pat", "programmer").await();
    vic = api.createUser(admin, "vic", "viewer").await();
    api.create(pat, FILE, Buffer.buffer("<html><script>alert(document.cookie)</script></html>\n")).await();
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close().await();
    vertx.close().await();
  }

  private static RawHttp.Response get(String target, String token) throws IOException {
    return send("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
      + (token == null ? "" : "Authorization: Bearer " + token + "\r\n") + "\r\n");
  }

  private static RawHttp.Response send(String request) throws IOException {
    return RawHttp.exchange(node.port(), request);
  }

  interface Request {
    RawHttp.Response send() throws IOException;
  }

  private static Arguments page(String description, int status, Request request) {
    return Arguments.of(Named.of(description, request), status);
  }

  static Stream<Arguments> pages() {
    String json = "Content-Type: application/json\r\n";
    return Stream.of(
      page("the start page", 200, () -> get("/", null)),
      page("index.html", 200, () -> get("/index.html", null)),
      page("the start page with HEAD", 200, () -> send("HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
      page("a script", 200, () -> get("/js/main.js", null)),
      page("a stylesheet", 200, () -> get("/css/app.css", null)),
      page("an image", 200, () -> get("/favicon.svg", null)),
      page("a static file that does not exist", 404, () -> get("/js/missing.js", null)),
      page("a path outside the webroot", 404, () -> get("/../../etc/passwd", null)),
      page("the file list", 200, () -> get("/api/files", vic)),
      page("a download", 200, () -> get("/api/files/" + FILE + "/content", vic)),
      page("the API description", 200, () -> get("/api/openapi.yaml", null)),
      page("health", 200, () -> get("/health", null)),
      page("metrics", 200, () -> get("/metrics", null)),
      page("a login", 200, () -> send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n" + json
        + "Content-Length: " + loginBody().length() + "\r\n\r\n" + loginBody())),
      page("401 without a session", 401, () -> get("/api/files", null)),
      page("403 for a viewer's checkout", 403, () -> send("POST /api/files/" + FILE + "/checkout HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\nAuthorization: Bearer " + vic + "\r\nContent-Length: 0\r\n\r\n")),
      page("404 for an unknown API path", 404, () -> get("/api/nothing/here", vic)),
      page("404 for an unknown file", 404, () -> get("/api/files/9999999_NO.nc", vic)),
      page("405 for a wrong method", 405, () -> send("PUT /api/files HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + "Authorization: Bearer " + vic + "\r\nContent-Length: 0\r\n\r\n")),
      page("400 for invalid JSON", 400, () -> send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
        + json + "Content-Length: 5\r\n\r\n{nope")),
      page("400 for /ws without an upgrade", 400, () -> get("/ws", vic)),
      page("413 for a JSON body over 64 KiB", 413, () -> send("POST /api/auth/login HTTP/1.1\r\nHost: x\r\n"
        + "Connection: close\r\n" + json + "Content-Length: 70000\r\n\r\n{\"username\":\"" + "u".repeat(69_986) + "\"}")),
      page("414 for a request line over 4 KiB", 414, () -> get("/api/files?q=" + "q".repeat(8 * 1024), vic)),
      page("431 for headers over 16 KiB", 431, () -> send("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(17 * 1024)
        + "\r\n\r\n")),
      page("429 after ten failed logins", 429, SecurityHeadersTest::throttledLogin));
  }

  private static String loginBody() {
    return "{\"username\":\"vic\",\"password\":\"" + TestNode.passwordOf("vic") + "\"}";
  }

  private static RawHttp.Response throttledLogin() throws IOException {
    String wrong = "{\"username\":\"nobody\",\"password\":\"wrong password\"}";
    String request = "POST /api/auth/login HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/json\r\n"
      + "Content-Length: " + wrong.length() + "\r\n\r\n" + wrong;
    for (int i = 0; i < 10; i++) {
      send(request);
    }
    return send(request);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("pages")
  @Timeout(60)
  void everyResponseCarriesTheBrowserProtections(Request request, int status) throws IOException {
    RawHttp.Response response = request.send();
    assertThat(response.status()).isEqualTo(status);
    Map<String, String> headers = response.headers();
    String csp = headers.get("content-security-policy");
    assertThat(csp).as("Content-Security-Policy").isNotNull();
    List<String> directives = Arrays.stream(csp.split(";")).map(String::trim).toList();
    assertThat(directives).contains("frame-ancestors 'none'", "object-src 'none'", "base-uri 'none'");
    String scripts = directives.stream().filter(d -> d.startsWith("script-src ")).findFirst()
      .orElseGet(() -> directives.stream().filter(d -> d.startsWith("default-src ")).findFirst().orElseThrow());
    assertThat(scripts).as("scripts allowed").doesNotContain("'unsafe-inline'", "'unsafe-eval'", "*", "data:", "http:");
    assertThat(headers).containsEntry("x-content-type-options", "nosniff")
      .containsEntry("x-frame-options", "DENY")
      .containsEntry("referrer-policy", "no-referrer");
    if (status >= 400) {
      assertThat(headers.get("content-type")).as("errors are JSON").startsWith("application/json");
    }
  }

  @Test
  @Timeout(60)
  void aStoredHtmlFileIsDownloadedAsAnAttachmentNeverRenderedAsAPage() throws IOException {
    RawHttp.Response download = get("/api/files/" + FILE + "/content", vic);
    assertThat(download.text()).contains("<script>");
    assertThat(download.headers().get("content-disposition")).startsWith("attachment");
    assertThat(download.headers().get("content-type")).doesNotContain("html");
    assertThat(download.headers()).containsEntry("x-content-type-options", "nosniff");
  }

  @Test
  @Timeout(60)
  void thePageNeedsNoInlineScriptSoThePolicyBreaksNothing() throws IOException {
    String html = new String(get("/", null).body(), StandardCharsets.UTF_8);
    assertThat(html).containsIgnoringCase("<html");
    Matcher scripts = Pattern.compile("(?is)<script\\b([^>]*)>(.*?)</script>").matcher(html);
    while (scripts.find()) {
      assertThat(scripts.group(1)).as("a script element loads a file").containsIgnoringCase("src=");
      assertThat(scripts.group(2).trim()).as("and has no inline code").isEmpty();
    }
    assertThat(html).as("no inline event handlers").doesNotContainPattern("(?i)\\son[a-z]+\\s*=");
    assertThat(html).as("no javascript: URLs").doesNotContainIgnoringCase("javascript:");
  }
}
