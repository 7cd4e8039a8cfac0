package com.ncvault.api;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ConfigKeys;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * A running api-verticle (two instances on one port, as the launcher deploys it) in front of a
 * {@link FakeStorage} and a fake sync status, with a web client and logged-in sessions.
 * Started and stopped once per test class.
 */
final class TestApi implements AutoCloseable {

  static final String SECRET = "test-secret-" + UUID.randomUUID();
  static final int MAX_UPLOAD = 1024 * 1024;
  static final int LOGIN_MAX_FAILURES = 3;

  final Vertx vertx;
  final FakeStorage storage;
  final WebClient client;
  final int port;
  final Path dataDir;
  final List<ApiVerticle> instances = new CopyOnWriteArrayList<>();
  private MessageConsumer<JsonObject> syncStatus;

  private TestApi(Vertx vertx, Path dataDir, int port, boolean tls) {
    this.vertx = vertx;
    this.dataDir = dataDir;
    this.port = port;
    this.storage = new FakeStorage(vertx, dataDir);
    this.client = WebClient.create(vertx, new WebClientOptions().setDefaultHost("localhost").setDefaultPort(port)
      .setFollowRedirects(false).setSsl(tls).setTrustAll(tls).setVerifyHost(false));
  }

  /** Vert.x as the launcher creates it: Prometheus metrics with JVM metrics. */
  static Vertx metricsVertx() {
    return Vertx.builder().with(new VertxOptions().setWarningExceptionTime(1).setWarningExceptionTimeUnit(java.util.concurrent.TimeUnit.SECONDS).setMetricsOptions(new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(true)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)))).build();
  }

  static TestApi start() {
    return start(new JsonObject());
  }

  /** Blocks the test thread (never an event loop) until the api listens. */
  static TestApi start(JsonObject extraConfig) {
    try {
      boolean tls = !extraConfig.getString(ConfigKeys.TLS_CERT, "").isEmpty();
      TestApi api = new TestApi(metricsVertx(), Files.createTempDirectory("api-test"), freePort(), tls);
      api.storage.start()
        .compose(v -> FakeMachines.bind(api.vertx))
        .compose(v -> api.startSyncStatus())
        .compose(v -> api.deploy(extraConfig))
        .await();
      return api;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  JsonObject config() {
    return new JsonObject()
      .put(ConfigKeys.HTTP_PORT, port)
      .put(ConfigKeys.HTTP_HOST, "127.0.0.1")
      .put(ConfigKeys.DATA_DIR, dataDir.toString())
      .put(ConfigKeys.JWT_SECRET, SECRET)
      .put(ConfigKeys.MAX_UPLOAD_BYTES, MAX_UPLOAD)
      .put(ConfigKeys.LOGIN_MAX_FAILURES, LOGIN_MAX_FAILURES)
      .put(ConfigKeys.NODE_NAME, "test-node");
  }

  private Future<String> deploy(JsonObject extraConfig) {
    return vertx.deployVerticle(() -> {
      ApiVerticle verticle = new ApiVerticle();
      instances.add(verticle);
      return verticle;
    }, new DeploymentOptions().setInstances(2).setConfig(config().mergeIn(extraConfig)));
  }

  /** The sync-verticle's status address, as /health asks it. */
  Future<Void> startSyncStatus() {
    syncStatus = vertx.eventBus().localConsumer(Addresses.SYNC_STATUS,
      message -> message.reply(new JsonObject().put("node", "test-node").put("connections", 0)));
    return syncStatus.completion();
  }

  Future<Void> stopSyncStatus() {
    return syncStatus.unregister();
  }

  Path incomingDir() {
    return dataDir.resolve("incoming");
  }

  /** Staged upload files left in the incoming directory. */
  List<Path> partFiles() {
    if (!Files.isDirectory(incomingDir())) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(incomingDir())) {
      return files.filter(p -> p.toString().endsWith(".part")).toList();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  HttpRequest<Buffer> request(HttpMethod method, String path) {
    return client.request(method, path);
  }

  /** Logs in with the fake storage's password. */
  Future<Session> login(String username) {
    return loginWith(username, FakeStorage.PASSWORD);
  }

  Future<Session> loginWith(String username, String password) {
    return client.post("/api/auth/login")
      .sendJsonObject(new JsonObject().put("username", username).put("password", password))
      .map(response -> {
        if (response.statusCode() != 200) {
          throw new IllegalStateException("login of " + username + " gave " + response.statusCode() + " " + response.bodyAsString());
        }
        return new Session(username, response.bodyAsJsonObject().getString("token"));
      });
  }

  /** Logs in the given users in turn. */
  Future<List<Session>> login(String... usernames) {
    Future<List<Session>> all = Future.succeededFuture(List.of());
    for (String name : usernames) {
      all = all.compose(list -> login(name).map(s -> Stream.concat(list.stream(), Stream.of(s)).toList()));
    }
    return all;
  }

  static <T> HttpResponse<T> expectStatus(HttpResponse<T> response, int status) {
    if (response.statusCode() != status) {
      throw new AssertionError("expected " + status + " but got " + response.statusCode() + ": " + response.bodyAsString());
    }
    return response;
  }

  /**
   * The answer to {@code request} with its body read. Call it in the callback that has the request,
   * before the answer can arrive: a body asked for once the answer was read (from the test's thread,
   * or in a later callback) is dropped by the client and never completes.
   */
  static Future<HttpClientResponse> answerWithBody(HttpClientRequest request) {
    return request.response().compose(response -> response.body().map(body -> response));
  }

  /** As {@link #answerWithBody}, the body as JSON with the answer's status added as "status". */
  static Future<JsonObject> jsonAnswer(HttpClientRequest request) {
    return request.response().compose(r -> r.body().map(b -> new JsonObject(b).put("status", r.statusCode())));
  }

  @Override
  public void close() {
    vertx.close().await();
    deleteTree(dataDir);
  }

  static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A logged-in user's token, used as a bearer token or as the session cookie. */
  record Session(String username, String token) {

    <T> HttpRequest<T> bearer(HttpRequest<T> request) {
      return request.putHeader("Authorization", "Bearer " + token);
    }

    <T> HttpRequest<T> cookie(HttpRequest<T> request) {
      return request.putHeader("Cookie", Authenticator.COOKIE + "=" + token);
    }
  }
}
