package com.ncvault.node;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.ext.web.multipart.MultipartForm;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The REST calls the reliability and security tests make against one node (in-process or in its
 * own JVM), and the two views of its stored state they compare: every file (deleted ones too)
 * and every event.
 */
final class NodeApi implements AutoCloseable {

  /** What a node has stored, as its API shows it: files by name (deleted ones included) and the latest seq. */
  record Stored(JsonObject files, long latestSeq) {
  }

  private final WebClient client;
  private final int port;

  NodeApi(Vertx vertx, int port) {
    this(vertx, port, new WebClientOptions());
  }

  NodeApi(Vertx vertx, int port, WebClientOptions options) {
    this.port = port;
    this.client = WebClient.create(vertx, options.setDefaultHost("127.0.0.1").setDefaultPort(port),
      new PoolOptions().setHttp1MaxSize(64));
  }

  int port() {
    return port;
  }

  WebClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
  }

  /** A request with the token as Bearer (none when null). The URI is sent as written. */
  HttpRequest<Buffer> call(HttpMethod method, String uri, String token) {
    HttpRequest<Buffer> request = client.request(method, uri);
    return token == null ? request : request.bearerTokenAuthentication(token);
  }

  Future<String> login(String username, String password) {
    return client.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("username", username).put("password", password))
      .compose(r -> TestNode.expect(r, 200))
      .map(r -> r.bodyAsJsonObject().getString("token"));
  }

  Future<String> adminToken() {
    return login("admin", TestNode.ADMIN_PASSWORD);
  }

  /** Creates a user with {@link TestNode#passwordOf} and logs them in. */
  Future<String> createUser(String adminToken, String username, String role) {
    return call(HttpMethod.POST, "/api/admin/users", adminToken)
      .sendJsonObject(new JsonObject().put("username", username).put("password", TestNode.passwordOf(username))
        .put("role", role))
      .compose(r -> TestNode.expect(r, 201))
      .compose(r -> login(username, TestNode.passwordOf(username)));
  }

  /** A multipart upload with one file part and the given form fields. */
  Future<HttpResponse<Buffer>> upload(String uri, String token, String filename, Buffer content,
                                      Map<String, String> fields) {
    MultipartForm form = MultipartForm.create();
    fields.forEach(form::attribute);
    form.binaryFileUpload("file", filename, content, "application/octet-stream");
    return call(HttpMethod.POST, uri, token).sendMultipartForm(form);
  }

  Future<JsonObject> create(String token, String filename, Buffer content) {
    return json(upload("/api/files", token, filename, content, Map.of("description", "test file")), 201);
  }

  Future<JsonObject> checkout(String token, String filename) {
    return json(call(HttpMethod.POST, "/api/files/" + filename + "/checkout", token).send(), 200);
  }

  Future<JsonObject> checkin(String token, String filename, Buffer content, String message) {
    return json(upload("/api/files/" + filename + "/checkin", token, filename, content, Map.of("message", message)),
      200);
  }

  /**
   * Draft to review (by {@code author}) to released, signed by {@code approver} with their password;
   * answers the released file.
   */
  Future<JsonObject> release(String author, String approver, String password, String filename) {
    String uri = "/api/files/" + filename + "/transition";
    return json(call(HttpMethod.POST, uri, author).sendJsonObject(new JsonObject().put("to", "review")
        .put("comment", "ready for the machine")), 200)
      .compose(review -> json(call(HttpMethod.POST, uri, approver).sendJsonObject(new JsonObject().put("to", "released")
        .put("comment", "proved out").put("password", password)), 200));
  }

  /** The body of a response with the expected status; fails with the status and body otherwise. */
  static Future<JsonObject> json(Future<HttpResponse<Buffer>> response, int status) {
    return response.compose(r -> TestNode.expect(r, status)).map(HttpResponse::bodyAsJsonObject);
  }

  /** Every event from seq 1 on, page by page, oldest first. */
  Future<List<JsonObject>> allEvents(String token) {
    return eventsSince(token, 0);
  }

  /** Every event after {@code since}, page by page, oldest first. */
  Future<List<JsonObject>> eventsSince(String token, long since) {
    return eventsAfter(token, since, new ArrayList<>());
  }

  private Future<List<JsonObject>> eventsAfter(String token, long since, List<JsonObject> collected) {
    return json(call(HttpMethod.GET, "/api/events?since=" + since + "&limit=500", token).send(), 200)
      .compose(page -> {
        JsonArray events = page.getJsonArray("events");
        events.forEach(e -> collected.add((JsonObject) e));
        if (events.isEmpty()) {
          return Future.succeededFuture(collected);
        }
        return eventsAfter(token, events.getJsonObject(events.size() - 1).getLong("seq"), collected);
      });
  }

  Future<Long> latestSeq(String token) {
    return json(call(HttpMethod.GET, "/api/events?since=0&limit=1", token).send(), 200)
      .map(page -> page.getLong("latestSeq", 0L));
  }

  /** GET /health: its body, with the HTTP status added as {@code httpStatus}. */
  Future<JsonObject> health() {
    return call(HttpMethod.GET, "/health", null).timeout(5_000).send()
      .map(r -> r.bodyAsJsonObject().put("httpStatus", r.statusCode()));
  }

  /** GET /metrics: the Prometheus text. */
  Future<String> metrics() {
    return call(HttpMethod.GET, "/metrics", null).timeout(5_000).send()
      .compose(r -> TestNode.expect(r, 200)).map(HttpResponse::bodyAsString);
  }

  /** Every file by name (the list plus the deleted list) and the latest seq, read before and after. */
  Future<Stored> stored(String token) {
    return latestSeq(token).compose(seq -> Future.all(
        json(call(HttpMethod.GET, "/api/files", token).send(), 200),
        json(call(HttpMethod.GET, "/api/files?status=deleted", token).send(), 200))
      .compose(lists -> latestSeq(token).map(after -> {
        if (after != (long) seq) {
          throw new IllegalStateException("the vault changed while it was read (seq " + seq + " -> " + after + ")");
        }
        JsonObject byName = new JsonObject();
        for (int i = 0; i < 2; i++) {
          JsonObject groups = lists.resultAt(i);
          groups.forEach(group -> ((JsonArray) group.getValue()).forEach(f -> {
            JsonObject file = (JsonObject) f;
            byName.put(file.getString("filename"), file);
          }));
        }
        return new Stored(byName, seq);
      })));
  }

  static String sha256(Buffer content) {
    return sha256(content.getBytes());
  }

  static String sha256(byte[] content) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(content));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
