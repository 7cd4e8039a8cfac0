package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ClusterHttp;
import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.http.WebSocketFrame;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
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
 * Hostile input against a real node, one row per attack: bad file names on upload and on every
 * file route, broken multipart bodies, huge and deeply nested JSON, oversized headers, requests
 * that never finish, WebSocket floods and oversize frames. Every row gets a clear 4xx JSON error
 * (or a WebSocket close code, or its connection cut after the idle timeout); after every row the
 * node still serves others and the stored vault (every file, the latest seq, incoming/) is
 * exactly as before. While each row runs another user keeps reading a file: the row fails when
 * that user's p90 latency, the heap in use or the open files leave their bounds
 * ({@link ServiceQuality}).
 */
@ExtendWith(VertxExtension.class)
class HostileInputTest {

  private static final int IDLE_TIMEOUT_SECONDS = 2;
  private static final long MAX_UPLOAD = 1024 * 1024;
  private static final String LOCKED = "5000001_HI.nc";
  private static final String CLUSTER_SECRET = "cluster-secret-" + java.util.UUID.randomUUID();

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static String admin;
  private static String pat;
  private static String val;
  private static ErrorLog errors;
  private static final List<ServiceQuality.Report> quality = new ArrayList<>();

  /** How the node answered: an HTTP status and error code, a WebSocket close code, or a cut connection. */
  record Outcome(int status, String code, String detail) {
  }

  /** One attack: what is sent and what the node must answer. */
  record Attack(Sender send, Consumer<Outcome> expect) {
  }

  interface Sender {
    Outcome send() throws Exception;
  }

  @BeforeAll
  static void start() {
    errors = ErrorLog.attach();
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    node = TestNode.start(vertx, new JsonObject()
      .put(ConfigKeys.HTTP_IDLE_TIMEOUT_SECONDS, IDLE_TIMEOUT_SECONDS)
      .put(ConfigKeys.WS_PING_SECONDS, 1)
      .put(ConfigKeys.MAX_UPLOAD_BYTES, MAX_UPLOAD)
      .put(ConfigKeys.CLUSTER_SECRET, CLUSTER_SECRET)).await();
    // A new connection per call: pooled ones would be closed under the client by the short idle timeout.
    api = new NodeApi(vertx, node.port(), new WebClientOptions().setKeepAlive(false));
    admin = api.adminToken().await();
    pat = api.createUser(admin, "pat", "programmer").await();
    val = api.createUser(admin, "val", "viewer").await();
    api.create(pat, "5000000_HI.nc", Buffer.buffer("G0 X0\n")).await();
    api.create(pat, LOCKED, Buffer.buffer("G0 X1\n")).await();
    api.checkout(pat, LOCKED).await();
  }

  @AfterAll
  static void stop() {
    if (!quality.isEmpty()) {
      System.out.printf("HostileInputTest: %d attacks; another user's read during them: worst p90 %d ms, %d reads; "
          + "peak heap %d MiB; open files at most %d above the count before an attack%n", quality.size(),
        quality.stream().mapToLong(ServiceQuality.Report::p90).max().orElse(0),
        quality.stream().mapToInt(r -> r.latenciesMs().size()).sum(),
        quality.stream().mapToLong(ServiceQuality.Report::heapPeak).max().orElse(0) >> 20,
        quality.stream().mapToLong(r -> r.filesPeak() - r.filesBefore()).max().orElse(0));
    }
    api.close();
    node.close().await();
    vertx.close().await();
    errors.detach();
  }

  // ---------------------------------------------------------------- the checks around every row

  private static void attack(Attack attack) throws Exception {
    NodeApi.Stored before = api.stored(admin).await();
    // val keeps reading a file while the attack runs
    ServiceQuality probe = ServiceQuality.watch(vertx, () -> api.call(HttpMethod.GET, "/api/files/5000000_HI.nc/content", val)
      .send().compose(r -> TestNode.expect(r, 200)));
    Outcome outcome;
    try {
      outcome = attack.send().send();
    } finally {
      quality.add(probe.stop());
    }
    attack.expect().accept(outcome);
    quality.get(quality.size() - 1).assertWithinBounds();
    assertThat(api.call(HttpMethod.GET, "/health", null).send().await().statusCode()).as("health").isEqualTo(200);
    assertThat(api.call(HttpMethod.GET, "/api/auth/me", val).send().await().statusCode()).as("another user served")
      .isEqualTo(200);
    assertThat(api.stored(admin).await()).as("stored files and latest seq").isEqualTo(before);
    assertThat(incomingIsEmpty().await()).as("no staged upload left in incoming/").isTrue();
    assertThat(errors.drain()).as("errors the node logged").isEmpty();
  }

  /** Staged uploads are deleted when their connection closes, which may be just after the answer. */
  private static Future<Boolean> incomingIsEmpty() {
    Promise<Boolean> empty = Promise.promise();
    long started = System.nanoTime();
    String incoming = node.dataDir().resolve("incoming").toString();
    vertx.setPeriodic(20, id -> vertx.fileSystem().readDir(incoming).onComplete(listed -> {
      boolean none = listed.failed() || listed.result().isEmpty();
      if (none || System.nanoTime() - started > TimeUnit.SECONDS.toNanos(5)) {
        vertx.cancelTimer(id);
        empty.tryComplete(none);
      }
    }));
    return empty.future();
  }

  private static Consumer<Outcome> refused(int status, String... codes) {
    return outcome -> {
      assertThat(outcome.status()).as("status (%s)", outcome.detail()).isEqualTo(status);
      assertThat(outcome.code()).as("error code (%s)", outcome.detail()).isIn((Object[]) codes);
    };
  }

  /** A bad name on a file route: refused as invalid or not found, never served, never a server error. */
  private static Consumer<Outcome> refusedAsBadOrUnknownName() {
    return outcome -> {
      assertThat(outcome.status()).as("status (%s)", outcome.detail()).isIn(400, 404);
      assertThat(outcome.code()).as("error code (%s)", outcome.detail())
        .isIn("invalid_filename", "bad_request", "not_found");
    };
  }

  private static Consumer<Outcome> closedWith(int closeCode) {
    return outcome -> assertThat(outcome.status()).as("close code (%s)", outcome.detail()).isEqualTo(closeCode);
  }

  /** Cut by the server after its idle timeout (well before the 70 s default; not at once). */
  private static Consumer<Outcome> cutAfterIdleTimeout() {
    return outcome -> {
      assertThat(outcome.code()).as("closed by the server").isEqualTo("closed");
      assertThat(Long.parseLong(outcome.detail())).as("ms until closed")
        .isBetween(IDLE_TIMEOUT_SECONDS * 1000L - 500, IDLE_TIMEOUT_SECONDS * 1000L + 15_000);
    };
  }

  /** One row of a table: JUnit shows the description. */
  private static Arguments row(String description, Sender send, Consumer<Outcome> expect) {
    return Arguments.of(Named.of(description, new Attack(send, expect)));
  }

  private static Stream<Arguments> rows(List<Arguments> rows) {
    return rows.stream();
  }

  // ---------------------------------------------------------------- raw requests

  private static Outcome http(String method, String target, String token, String contentType, byte[] body)
    throws IOException {
    return http(request(method, target, token, contentType, body));
  }

  private static Outcome http(byte[] request) throws IOException {
    RawHttp.Response response = RawHttp.exchange(node.port(), request);
    return new Outcome(response.status(), response.errorCode(), response.text());
  }

  private static byte[] request(String method, String target, String token, String contentType, byte[] body) {
    StringBuilder head = new StringBuilder(method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1:" + node.port()
      + "\r\nConnection: close\r\n");
    if (token != null) {
      head.append("Authorization: Bearer ").append(token).append("\r\n");
    }
    if (contentType != null) {
      head.append("Content-Type: ").append(contentType).append("\r\n");
    }
    if (body != null) {
      head.append("Content-Length: ").append(body.length).append("\r\n");
    }
    head.append("\r\n");
    return concat(head.toString().getBytes(StandardCharsets.UTF_8), body == null ? new byte[0] : body);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  private static final String BOUNDARY = "----hostile";
  private static final String MULTIPART = "multipart/form-data; boundary=" + BOUNDARY;

  private static String field(String name, String value) {
    return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
  }

  private static String filePart(String filename, String content) {
    return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + filename + "\"\r\n"
      + "Content-Type: application/octet-stream\r\n\r\n" + content + "\r\n";
  }

  private static final String END = "--" + BOUNDARY + "--\r\n";

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- bad file names

  private static Map<String, String> badNames() {
    Map<String, String> names = new LinkedHashMap<>();
    names.put("traversal", "../../etc/passwd.nc");
    names.put("Windows traversal", "..\\..\\boot.nc");
    names.put("absolute path", "/etc/cron.d/job.nc");
    names.put("Windows absolute path", "C:\\Windows\\job.nc");
    names.put("UNC path", "\\\\server\\share\\job.nc");
    names.put("NUL byte", "job\u0000.nc");
    names.put("division slash U+2215", "etc\u2215passwd.nc");
    names.put("fraction slash U+2044", "etc\u2044passwd.nc");
    names.put("fullwidth solidus U+FF0F", "etc\uFF0Fpasswd.nc");
    names.put("one dot leaders U+2024 as ..", "\u2024\u2024\u2215job.nc");
    names.put("fullwidth full stops U+FF0E as ..", "\uFF0E\uFF0E\uFF0Fjob.nc");
    names.put("device name CON", "CON.nc");
    names.put("device name nul", "nul.txt");
    names.put("device name COM1", "COM1.tap");
    names.put("device name with a trailing space", "AUX .nc");
    names.put("300 ASCII bytes", "a".repeat(297) + ".nc");
    names.put("301 UTF-8 bytes in 152 characters", "\u00e9".repeat(149) + ".nc");
    names.put("trailing dot", "job.nc.");
    names.put("an extension only", ".nc");
    names.put("an executable", "job.exe");
    return names;
  }

  static Stream<Arguments> badNamesOnCreate() {
    List<Arguments> rows = new ArrayList<>();
    badNames().forEach((what, name) -> rows.add(row("new file named by the form: " + what,
      () -> http("POST", "/api/files", pat, MULTIPART, utf8(field("filename", name) + filePart("x.nc", "G0\n") + END)),
      refused(400, "invalid_filename"))));
    rows.add(row("new file named by the upload: NUL byte",
      () -> http("POST", "/api/files", pat, MULTIPART, utf8(filePart("job\u0000.nc", "G0\n") + END)),
      refused(400, "invalid_filename", "bad_request")));
    rows.add(row("new file named by the upload: control characters",
      () -> http("POST", "/api/files", pat, MULTIPART, utf8(filePart("job\u0007\u001b[2J.nc", "G0\n") + END)),
      refused(400, "invalid_filename", "bad_request")));
    return rows(rows);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badNamesOnCreate")
  @Timeout(60)
  void aBadFilenameOnUploadIsRefused(Attack attack) throws Exception {
    attack(attack);
  }

  static Stream<Arguments> badNamesInFileRoutes() {
    Map<String, String> segments = new LinkedHashMap<>();
    segments.put("encoded slashes ../../etc/passwd", "..%2F..%2Fetc%2Fpasswd");
    segments.put("fully encoded ../../etc/passwd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd");
    segments.put("encoded ..", "%2e%2e");
    segments.put("encoded backslashes", "..%5C..%5Cboot.ini");
    segments.put("double-encoded ../", "%252e%252e%252fetc%252fpasswd");
    segments.put("overlong UTF-8 ../", "%C0%AE%C0%AE%C0%AF");
    segments.put("absolute path", "%2Fetc%2Fpasswd");
    segments.put("NUL byte", "job%00.nc");
    segments.put("division slash", "etc%E2%88%95passwd.nc");
    segments.put("device name", "CON.nc");
    segments.put("300-byte name", "a".repeat(297) + ".nc");
    List<Arguments> rows = new ArrayList<>();
    segments.forEach((what, f) -> {
      String file = "/api/files/" + f;
      rows.add(row("GET file: " + what, () -> http("GET", file, admin, null, null), refusedAsBadOrUnknownName()));
      rows.add(row("GET content: " + what, () -> http("GET", file + "/content", admin, null, null),
        refusedAsBadOrUnknownName()));
      rows.add(row("GET history: " + what, () -> http("GET", file + "/history", admin, null, null),
        refusedAsBadOrUnknownName()));
      rows.add(row("GET diff: " + what, () -> http("GET", file + "/diff?from=1.0&to=1.0", admin, null, null),
        refusedAsBadOrUnknownName()));
      rows.add(row("GET program: " + what, () -> http("GET", file + "/program", admin, null, null),
        refusedAsBadOrUnknownName()));
      rows.add(row("GET toolpath: " + what, () -> http("GET", file + "/toolpath.svg?from=1.0&to=1.0", admin, null,
        null), refusedAsBadOrUnknownName()));
      rows.add(row("checkout: " + what, () -> http("POST", file + "/checkout", admin, "application/json",
        utf8("{\"message\":\"x\"}")), refusedAsBadOrUnknownName()));
      rows.add(row("checkin: " + what, () -> http("POST", file + "/checkin", admin, MULTIPART,
        utf8(field("message", "x") + filePart("x.nc", "G0\n") + END)), refusedAsBadOrUnknownName()));
      rows.add(row("cancel: " + what, () -> http("POST", file + "/cancel-checkout", admin, null, null),
        refusedAsBadOrUnknownName()));
      rows.add(row("override: " + what, () -> http("POST", file + "/override", admin, "application/json",
        utf8("{\"reason\":\"x\"}")), refusedAsBadOrUnknownName()));
      rows.add(row("delete: " + what, () -> http("DELETE", file, admin, null, null), refusedAsBadOrUnknownName()));
      rows.add(row("restore: " + what, () -> http("POST", file + "/restore", admin, null, null),
        refusedAsBadOrUnknownName()));
      // the node-to-node route serves files from disk by name: it must take nothing but a SHA-256
      rows.add(row("another node's blob fetch: " + what, () -> http(utf8("GET /internal/blobs/" + f + " HTTP/1.1\r\n"
        + "Host: x\r\nConnection: close\r\n" + ClusterHttp.SECRET_HEADER + ": " + CLUSTER_SECRET + "\r\n\r\n")),
        refusedAsBadOrUnknownName()));
    });
    return rows(rows);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badNamesInFileRoutes")
  @Timeout(60)
  void aBadFilenameInTheUrlIsRefusedOnEveryFileRoute(Attack attack) throws Exception {
    attack(attack);
  }

  // ---------------------------------------------------------------- broken multipart

  static Stream<Arguments> brokenMultipart() {
    String checkin = "/api/files/" + LOCKED + "/checkin";
    byte[] overLimit = new byte[(int) MAX_UPLOAD + 64 * 1024];
    return rows(List.of(
      row("no file part", () -> http("POST", "/api/files", pat, MULTIPART,
        utf8(field("filename", "5000002_HI.nc") + field("description", "d") + END)), refused(400, "bad_request")),
      row("two file parts", () -> http("POST", "/api/files", pat, MULTIPART,
        utf8(filePart("5000003_HI.nc", "G0\n") + filePart("5000004_HI.nc", "G1\n") + END)), refused(400, "bad_request")),
      row("JSON instead of multipart", () -> http("POST", "/api/files", pat, "application/json",
        utf8("{\"filename\":\"5000005_HI.nc\",\"content\":\"G0\"}")), refused(415, "unsupported_media_type")),
      row("text/plain instead of multipart", () -> http("POST", "/api/files", pat, "text/plain", utf8("G0 X0\n")),
        refused(415, "unsupported_media_type")),
      row("multipart/mixed", () -> http("POST", "/api/files", pat, "multipart/mixed; boundary=" + BOUNDARY,
        utf8(filePart("5000006_HI.nc", "G0\n") + END)), refused(415, "unsupported_media_type")),
      row("no Content-Type", () -> http("POST", "/api/files", pat, null, utf8(filePart("5000007_HI.nc", "G0\n") + END)),
        refused(415, "unsupported_media_type")),
      row("no boundary parameter", () -> http("POST", "/api/files", pat, "multipart/form-data",
        utf8(filePart("5000008_HI.nc", "G0\n") + END)), refused(400, "bad_request")),
      row("a boundary the body does not use", () -> http("POST", "/api/files", pat,
        "multipart/form-data; boundary=other", utf8(filePart("5000009_HI.nc", "G0\n") + END)),
        refused(400, "bad_request")),
      row("truncated body: no closing boundary", () -> http("POST", "/api/files", pat, MULTIPART,
        utf8(filePart("5000010_HI.nc", "G0 X0\nG1 X1\n").replaceFirst("\r\n$", ""))), refused(400, "bad_request")),
      row("truncated check-in of a held file", () -> http("POST", checkin, pat, MULTIPART,
        utf8(field("message", "half") + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; "
          + "filename=\"x.nc\"\r\n\r\nG0 X0\nG1")), refused(400, "bad_request")),
      row("empty body", () -> http("POST", "/api/files", pat, MULTIPART, new byte[0]), refused(400, "bad_request")),
      row("a part without Content-Disposition", () -> http("POST", "/api/files", pat, MULTIPART,
        utf8("--" + BOUNDARY + "\r\nContent-Type: text/plain\r\n\r\nG0\r\n" + END)), refused(400, "bad_request")),
      row("a file over maxUploadBytes", () -> http("POST", "/api/files", pat, MULTIPART,
        concat(utf8("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"5000011_HI.nc\""
          + "\r\n\r\n"), overLimit, utf8("\r\n" + END))), refused(413, "payload_too_large")),
      row("a check-in over maxUploadBytes", () -> http("POST", checkin, pat, MULTIPART,
        concat(utf8(field("message", "big") + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; "
          + "filename=\"x.nc\"\r\n\r\n"), overLimit, utf8("\r\n" + END))), refused(413, "payload_too_large")),
      row("a declared Content-Length of 10 GB", () -> http(concat(utf8("POST /api/files HTTP/1.1\r\nHost: x\r\n"
          + "Authorization: Bearer " + pat + "\r\nContent-Type: " + MULTIPART + "\r\nContent-Length: 10000000000\r\n\r\n"),
        utf8(filePart("5000012_HI.nc", "G0\n")))), refused(413, "payload_too_large")),
      row("a description of 3,000 characters", () -> http("POST", "/api/files", pat, MULTIPART,
        utf8(field("description", "d".repeat(3000)) + filePart("5000013_HI.nc", "G0\n") + END)),
        refused(400, "validation_failed")),
      row("a check-in by someone who does not hold the lock", () -> http("POST", checkin, admin, MULTIPART,
        utf8(field("message", "not mine") + filePart("x.nc", "G0\n") + END)), refused(409, "not_lock_holder"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("brokenMultipart")
  @Timeout(60)
  void aBrokenUploadIsRefusedAndLeavesNothingBehind(Attack attack) throws Exception {
    attack(attack);
  }

  // ---------------------------------------------------------------- hostile JSON

  static Stream<Arguments> hostileJson() {
    String checkout = "/api/files/" + LOCKED + "/checkout";
    String override = "/api/files/" + LOCKED + "/override";
    return rows(List.of(
      row("1 MiB JSON body", () -> http("POST", checkout, admin, "application/json",
        utf8("{\"message\":\"" + "x".repeat(1024 * 1024) + "\"}")), refused(413, "payload_too_large")),
      row("a 1 MiB password at login", () -> http("POST", "/api/auth/login", null, "application/json",
        utf8("{\"username\":\"pat\",\"password\":\"" + "p".repeat(1024 * 1024) + "\"}")), refused(413, "payload_too_large")),
      row("30,000 nested arrays", () -> http("POST", override, admin, "application/json",
        utf8("{\"reason\":" + "[".repeat(30_000) + "]".repeat(30_000) + "}")), refused(400, "invalid_json")),
      row("10,000 nested objects", () -> http("POST", "/api/auth/login", null, "application/json",
        utf8("{\"a\":".repeat(10_000) + "1" + "}".repeat(10_000))), refused(400, "invalid_json")),
      row("a JSON array instead of an object", () -> http("POST", "/api/auth/login", null, "application/json",
        utf8("[\"pat\",\"secret\"]")), refused(400, "invalid_json")),
      row("invalid UTF-8 in a user name", () -> http("POST", "/api/admin/users", admin, "application/json",
        concat(utf8("{\"username\":\"ev"), new byte[] {(byte) 0xC3, (byte) 0x28}, utf8("\",\"password\":\"long enough "
          + "password\",\"role\":\"viewer\"}"))), refused(400, "invalid_json", "validation_failed")),
      row("a number of 60,000 digits as a role", () -> http("POST", "/api/admin/users", admin, "application/json",
        utf8("{\"username\":\"num\",\"password\":\"long enough password\",\"role\":" + "9".repeat(60_000) + "}")),
        refused(400, "invalid_json", "validation_failed")),
      row("a message of 50,000 characters", () -> http("POST", checkout, admin, "application/json",
        utf8("{\"message\":\"" + "m".repeat(50_000) + "\"}")), refused(400, "validation_failed")),
      row("an override reason that is an object", () -> http("POST", override, admin, "application/json",
        utf8("{\"reason\":{\"$gt\":\"\"}}")), refused(400, "validation_failed")),
      row("a role that does not exist", () -> http("POST", "/api/admin/users", admin, "application/json",
        utf8("{\"username\":\"root\",\"password\":\"long enough password\",\"role\":\"superuser\"}")),
        refused(400, "validation_failed", "bad_request")),
      row("a user name with a NUL byte", () -> http("POST", "/api/admin/users", admin, "application/json",
        utf8("{\"username\":\"ad\\u0000min\",\"password\":\"long enough password\",\"role\":\"admin\"}")),
        refused(400, "validation_failed", "bad_request"))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostileJson")
  @Timeout(60)
  void hugeNestedOrIllTypedJsonIsRefused(Attack attack) throws Exception {
    attack(attack);
  }

  // ---------------------------------------------------------------- oversized headers and lines

  static Stream<Arguments> oversizedHeaders() {
    StringBuilder many = new StringBuilder();
    for (int i = 0; i < 300; i++) {
      many.append("X-Filler-").append(i).append(": ").append("f".repeat(80)).append("\r\n");
    }
    return rows(List.of(
      row("one header of 20 KiB", () -> http(utf8("GET /api/files HTTP/1.1\r\nHost: x\r\nX-Big: " + "b".repeat(20 * 1024)
        + "\r\n\r\n")), refused(431, "headers_too_large")),
      row("300 headers of 100 bytes", () -> http(utf8("GET /api/files HTTP/1.1\r\nHost: x\r\n" + many + "\r\n")),
        refused(431, "headers_too_large")),
      row("a cookie of 20 KiB", () -> http(utf8("GET /api/files HTTP/1.1\r\nHost: x\r\nCookie: pdm_session="
        + "c".repeat(20 * 1024) + "\r\n\r\n")), refused(431, "headers_too_large")),
      row("an Authorization header of 20 KiB", () -> http(utf8("GET /api/files HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer " + "t".repeat(20 * 1024) + "\r\n\r\n")), refused(431, "headers_too_large")),
      row("a URL of 20 KiB", () -> http(utf8("GET /api/files?q=" + "q".repeat(20 * 1024) + " HTTP/1.1\r\nHost: x\r\n\r\n")),
        refused(414, "uri_too_long")),
      row("a header name with spaces", () -> http(utf8("GET /api/files HTTP/1.1\r\nHost: x\r\nBad Header: 1\r\n\r\n")),
        refused(400, "bad_request")),
      // Vert.x itself answers a version other than 1.0/1.1 with a bare 501 and closes, before any handler runs.
      row("an unknown HTTP version", () -> http(utf8("GET /api/files HTTP/7.0\r\nHost: x\r\n\r\n")),
        outcome -> assertThat(outcome.status()).isEqualTo(501))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("oversizedHeaders")
  @Timeout(60)
  void oversizedHeadersAndLinesAreRefused(Attack attack) throws Exception {
    attack(attack);
  }

  // ---------------------------------------------------------------- requests that never finish

  private static Sender silentAfter(byte[] partial) {
    return () -> {
      RawHttp.Silence silence = RawHttp.sendAndFallSilent(node.port(), partial, 30_000);
      return new Outcome(0, silence.closedByServer() ? "closed" : "open", Long.toString(silence.millis()));
    };
  }

  static Stream<Arguments> slowRequests() {
    return rows(List.of(
      row("a connection that never sends anything", silentAfter(new byte[0]), cutAfterIdleTimeout()),
      row("half a request line", silentAfter(utf8("GET /api/fi")), cutAfterIdleTimeout()),
      row("a TLS hello on the plain HTTP port", silentAfter(new byte[] {0x16, 0x03, 0x01, 0x00, (byte) 0xa5, 0x01, 0x00,
        0x00, (byte) 0xa1, 0x03, 0x03}), cutAfterIdleTimeout()),
      row("headers without the blank line that ends them", silentAfter(utf8("GET /api/files HTTP/1.1\r\nHost: x\r\n"
        + "Authorization: Bearer " + "x")), cutAfterIdleTimeout()),
      row("a JSON body shorter than its Content-Length", silentAfter(utf8("POST /api/files/" + LOCKED + "/override "
        + "HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + admin + "\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100\r\n\r\n{\"reason\":")), cutAfterIdleTimeout()),
      row("an upload that stops in the middle of the file", silentAfter(concat(utf8("POST /api/files HTTP/1.1\r\n"
        + "Host: x\r\nAuthorization: Bearer " + pat + "\r\nContent-Type: " + MULTIPART + "\r\nContent-Length: 900000\r\n\r\n"
        + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"5000020_HI.nc\"\r\n\r\n"),
        new byte[200_000])), cutAfterIdleTimeout()),
      row("a check-in that stops in the middle of the file", silentAfter(concat(utf8("POST /api/files/" + LOCKED
        + "/checkin HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + pat + "\r\nContent-Type: " + MULTIPART
        + "\r\nContent-Length: 900000\r\n\r\n" + field("message", "never ends") + "--" + BOUNDARY
        + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"x.nc\"\r\n\r\n"), new byte[200_000])),
        cutAfterIdleTimeout())));
  }

  /**
   * The requests that never finish, all held open at once (as one client with seven connections
   * would): each is cut after the idle timeout, with the checks of one row around them all. One
   * after another they took seven idle timeouts.
   */
  @Test
  @Timeout(60)
  void requestsThatNeverFinishAreEachCutOffAfterTheIdleTimeout() throws Exception {
    @SuppressWarnings("unchecked")
    List<Named<Attack>> held = slowRequests().<Named<Attack>>map(row -> (Named<Attack>) row.get()[0]).toList();
    List<Outcome> outcomes = new ArrayList<>();
    attack(new Attack(() -> {
      ExecutorService threads = Executors.newFixedThreadPool(held.size());
      try {
        List<java.util.concurrent.Future<Outcome>> sent = new ArrayList<>();
        for (Named<Attack> row : held) {
          sent.add(threads.submit(row.getPayload().send()::send));
        }
        for (java.util.concurrent.Future<Outcome> outcome : sent) {
          outcomes.add(outcome.get(30, TimeUnit.SECONDS));
        }
      } finally {
        threads.shutdownNow();
      }
      return new Outcome(0, "held", outcomes.size() + " connections");
    }, all -> {
      assertThat(outcomes).hasSize(held.size());
      for (int i = 0; i < held.size(); i++) {
        try {
          held.get(i).getPayload().expect().accept(outcomes.get(i));
        } catch (AssertionError e) {
          throw new AssertionError(held.get(i).getName() + ": " + e.getMessage(), e);
        }
      }
    }));
  }

  // ---------------------------------------------------------------- WebSocket abuse

  private static Sender onSocket(Consumer<WebSocket> abuse) {
    return () -> {
      WebSocketClient webSockets = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxFrameSize(1024 * 1024).setMaxMessageSize(4 * 1024 * 1024));
      ClientWebSocket socket = webSockets.webSocket();
      Promise<Short> closed = Promise.promise();
      socket.closeHandler(v -> closed.tryComplete(socket.closeStatusCode()));
      Promise<Void> ready = Promise.promise();
      socket.textMessageHandler(text -> ready.tryComplete());
      socket.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(node.port())
          .setURI("/ws?proto=2&token=" + pat)).await();
      ready.future().await(10, TimeUnit.SECONDS);
      abuse.accept(socket);
      short code = closed.future().await(10, TimeUnit.SECONDS);
      webSockets.close().await();
      return new Outcome(code, socket.closeReason(), "closed with " + code + " " + socket.closeReason());
    };
  }

  static Stream<Arguments> webSocketAbuse() {
    return rows(List.of(
      row("200 pings in a burst", onSocket(ws -> {
        for (int i = 0; i < 200; i++) {
          ws.writeTextMessage("ping");
        }
      }), closedWith(1008)),
      row("1,000 WATCH messages in a burst", onSocket(ws -> {
        for (int i = 0; i < 1000; i++) {
          ws.writeTextMessage("{\"type\":\"WATCH\",\"payload\":{\"filename\":\"" + LOCKED + "\"}}");
        }
      }), closedWith(1008)),
      row("one text frame of 100 KiB", onSocket(ws -> ws.writeFrame(WebSocketFrame.textFrame(
        "{\"type\":\"PING\",\"pad\":\"" + "x".repeat(100 * 1024) + "\"}", true))), closedWith(1009)),
      row("a 120 KiB message in two fragments", onSocket(ws -> {
        ws.writeFrame(WebSocketFrame.textFrame("x".repeat(60 * 1024), false));
        ws.writeFrame(WebSocketFrame.continuationFrame(Buffer.buffer("y".repeat(60 * 1024)), true));
      }), closedWith(1009)),
      row("one binary frame of 1 MiB", onSocket(ws -> ws.writeFrame(WebSocketFrame.binaryFrame(
        Buffer.buffer(new byte[1024 * 1024]), true))), closedWith(1009))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("webSocketAbuse")
  @Timeout(60)
  void aWebSocketFloodOrOversizeFrameIsClosedWithACloseCode(Attack attack) throws Exception {
    attack(attack);
  }
}
