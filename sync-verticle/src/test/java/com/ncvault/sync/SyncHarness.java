package com.ncvault.sync;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.SocketHandoff;
import com.ncvault.contract.UpgradeHold;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.util.function.Consumer;

/**
 * One node's sync for tests: a {@link FakeStorage}, the SyncVerticle, and a tiny HTTP server that
 * upgrades /ws and hands the socket over like the api-verticle does (user, proto, since and
 * expiresAt from the query string; the real authentication lives in the api).
 */
final class SyncHarness {

  /** An address, not a name: "localhost" may resolve to ::1 where another process listens. */
  static final String HOST = "127.0.0.1";

  final Vertx vertx;
  final FakeStorage storage;
  final JsonObject config;
  final int port;
  final WebSocketClient client;
  String syncDeployment;

  private SyncHarness(Vertx vertx, JsonObject config, int port) {
    this.vertx = vertx;
    this.storage = new FakeStorage(vertx);
    this.config = config;
    this.port = port;
    this.client = vertx.createWebSocketClient(new WebSocketClientOptions().setMaxConnections(5000)
      .setDefaultHost(HOST).setDefaultPort(port));
  }

  static JsonObject testConfig() {
    return new JsonObject()
      .put(ConfigKeys.NODE_NAME, "node-test")
      .put(ConfigKeys.WS_GAP_WAIT_MS, 100)
      .put(ConfigKeys.WS_SNAPSHOT_COALESCE_MS, 100);
  }

  static Future<SyncHarness> start(Vertx vertx) {
    return start(vertx, testConfig(), options -> { });
  }

  /** Starts storage, sync and two HTTP server instances (two event loops, so two hubs). */
  static Future<SyncHarness> start(Vertx vertx, JsonObject config, Consumer<HttpServerOptions> serverOptions) {
    try {
      vertx.eventBus().registerCodec(new SocketHandoff.Codec());
    } catch (IllegalStateException alreadyRegistered) {
      // one Vert.x instance shared by several harnesses
    }
    SyncHarness harness = new SyncHarness(vertx, config, freePort());
    int maxFrame = ConfigKeys.defaults().mergeIn(config).getInteger(ConfigKeys.WS_MAX_FRAME_BYTES);
    HttpServerOptions options = new HttpServerOptions().setPort(harness.port).setHost(HOST)
      .setMaxWebSocketFrameSize(maxFrame).setMaxWebSocketMessageSize(maxFrame);
    serverOptions.accept(options);
    return harness.storage.register()
      .compose(v -> harness.deploySync())
      .compose(v -> vertx.deployVerticle(() -> new HandoffServer(options), new DeploymentOptions().setInstances(2)))
      .map(harness);
  }

  Future<Void> deploySync() {
    return vertx.deployVerticle(new SyncVerticle(), new DeploymentOptions().setConfig(config))
      .onSuccess(id -> syncDeployment = id).mapEmpty();
  }

  Future<Void> undeploySync() {
    return vertx.undeploy(syncDeployment);
  }

  Future<TestSocket> connect(String user, int proto, Long since) {
    return TestSocket.connect(client, query(user, proto, since, null));
  }

  Future<TestSocket> connect(String query) {
    return TestSocket.connect(client, query);
  }

  /** A proto-2 socket that has received its connect snapshot, so every later event reaches it. */
  Future<TestSocket> connectReady(String user) {
    return connect(user, 2, null)
      .compose(socket -> socket.await(m -> "FILE_LIST_UPDATED".equals(m.getString("type"))).map(socket));
  }

  /** {@link #connectReady(String)} for a user of this role (others are programmers). */
  Future<TestSocket> connectReady(String user, String role) {
    return connect(query(user, 2, null, null) + "&role=" + role)
      .compose(socket -> socket.await(m -> "FILE_LIST_UPDATED".equals(m.getString("type"))).map(socket));
  }

  Future<JsonObject> status() {
    return vertx.eventBus().<JsonObject>request(Addresses.SYNC_STATUS, new JsonObject()).map(m -> m.body());
  }

  /** Retries SYNC_STATUS until it matches (the node's registry changes asynchronously). */
  Future<JsonObject> awaitStatus(java.util.function.Predicate<JsonObject> predicate) {
    return status().compose(status -> {
      if (predicate.test(status)) {
        return Future.succeededFuture(status);
      }
      io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
      vertx.setTimer(20, id -> later.complete());
      return later.future().compose(v -> awaitStatus(predicate));
    });
  }

  static String query(String user, int proto, Long since, Long expiresAt) {
    StringBuilder query = new StringBuilder("/ws?user=").append(user).append("&proto=").append(proto);
    if (since != null) {
      query.append("&since=").append(since);
    }
    if (expiresAt != null) {
      query.append("&expiresAt=").append(expiresAt);
    }
    return query.toString();
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** What the api-verticle does for /ws, minus authentication. */
  static final class HandoffServer extends VerticleBase {
    private final HttpServerOptions options;

    HandoffServer(HttpServerOptions options) {
      this.options = new HttpServerOptions(options);
    }

    @Override
    public Future<?> start() {
      return vertx.createHttpServer(options).requestHandler(this::handle).listen();
    }

    private void handle(HttpServerRequest request) {
      if (!"/ws".equals(request.path())) {
        request.response().setStatusCode(404).end();
        return;
      }
      String user = request.getParam("user");
      int proto = Integer.parseInt(request.getParam("proto", "1"));
      long since = Long.parseLong(request.getParam("since", "-1"));
      long expiresAt = Long.parseLong(request.getParam("expiresAt", "0"));
      String role = request.getParam("role", "programmer");
      UpgradeHold.install(request);
      request.toWebSocket().onSuccess(socket -> {
        socket.pause();
        SocketHandoff handoff = new SocketHandoff(socket, user, role, since, proto, expiresAt);
        vertx.eventBus().send(Addresses.SYNC_CONNECT, handoff,
          new DeliveryOptions().setCodecName(SocketHandoff.CODEC));
      });
    }
  }
}
