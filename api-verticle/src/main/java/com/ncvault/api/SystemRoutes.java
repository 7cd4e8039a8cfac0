package com.ncvault.api;

import com.ncvault.contract.StorageApi;
import com.ncvault.contract.Addresses;
import com.ncvault.contract.ClusterStatus;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.concurrent.TimeUnit;

/**
 * Settings for the browser, the API description, health and metrics. Health and metrics need no
 * login: they are meant for the operator's monitoring on an internal network and reveal counts,
 * not content.
 */
final class SystemRoutes {

  static final long HEALTH_TIMEOUT_MS = 2_000;
  /** Stands for "no cluster part" among the health answers (a single node). */
  private static final JsonObject NOT_CLUSTERED = new JsonObject();

  private final Vertx vertx;
  private final StorageApi storage;
  private final JsonObject settings;
  private final PeerDirectory peers;
  private final Buffer openApi;
  private final String nodeName;
  private final LoginGate logins;
  private final Handler<RoutingContext> scraper = PrometheusScrapingHandler.create();

  SystemRoutes(Vertx vertx, StorageApi storage, ApiConfig config, PeerDirectory peers, String version,
               Buffer openApi, LoginGate logins) {
    this.vertx = vertx;
    this.logins = logins;
    this.peers = peers;
    this.storage = storage;
    this.openApi = openApi;
    this.nodeName = config.nodeName();
    this.settings = new JsonObject()
      .put("nodeName", config.nodeName())
      .put("maxUploadBytes", config.maxUploadBytes())
      .put("allowedExtensions", config.allowedExtensions().copy())
      .put("binaryExtensions", config.binaryExtensions().copy())
      .put("zipMaxFiles", config.zipMaxFiles())
      .put("zipMaxBytes", config.zipMaxBytes())
      .put("wsPingSeconds", config.wsPingSeconds())
      .put("staleLockSeconds", config.staleLockSeconds())
      .put("lifecycle", config.lifecycle().toJson())
      .put("version", version);
  }

  /** peerUrls: the configured ones and the other nodes in service in the node registry now. */
  void settings(RoutingContext ctx) {
    Replies.json(ctx, settings.copy().put("peerUrls", new JsonArray(peers.urls())));
  }

  void openApi(RoutingContext ctx) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/yaml; charset=utf-8").end(openApi);
  }

  /**
   * 200 "up" when storage (database and blob store) and sync answer in time and no sync of the
   * database's file has failed, else 503 "down"; every
   * part is shown. A clustered node adds what it sees of the cluster and answers 200 "degraded" when
   * a node seen alive recently is not a member visible from here.
   */
  void health(RoutingContext ctx) {
    Future<JsonObject> storageHealth = storageHealth();
    Future<JsonObject> syncStatus = ask(Addresses.SYNC_STATUS).recover(t -> Future.succeededFuture(null));
    // Nothing listens on a single node: no cluster part then.
    Future<JsonObject> clusterStatus = ask(Addresses.CLUSTER_STATUS).recover(t -> Future.succeededFuture(
      t instanceof ReplyException r && r.failureType() == ReplyFailure.NO_HANDLERS ? NOT_CLUSTERED : null));
    Future.all(storageHealth, syncStatus, clusterStatus).onComplete(done -> {
      JsonObject storageState = storageHealth.result();
      JsonObject syncState = syncStatus.result();
      JsonObject clusterState = clusterStatus.result();
      boolean up = storageState != null
        && "up".equals(storageState.getString("database"))
        && !"down".equals(storageState.getString("blobStore"))
        && !StorageApi.StorageHealth.DISK_SYNC_FAILED.equals(storageState.getString("diskSync"))
        && syncState != null
        && clusterState != null;
      boolean clustered = clusterState != NOT_CLUSTERED;
      String status = !up ? "down"
        : clustered && ClusterStatus.DEGRADED.equals(clusterState.getString("status")) ? ClusterStatus.DEGRADED : "up";
      JsonObject body = new JsonObject()
        .put("status", status)
        .put("node", nodeName)
        .put("storage", storageState == null ? "down" : storageState)
        .put("sync", syncState == null ? "down" : syncState)
        .put("logins", logins.state());
      if (clustered) {
        body.put("cluster", clusterState == null ? "down" : clusterState);
      }
      Replies.json(ctx, up ? 200 : 503, body);
    });
  }

  /** Storage's health as JSON, null when it did not answer. */
  private Future<JsonObject> storageHealth() {
    // Storage answers a 503 failure carrying the same fields when its database or blob store is down.
    return storage.health().map(JsonObject::mapFrom)
      .recover(t -> {
        JsonObject details = PdmError.from(t).details();
        return Future.succeededFuture(details.containsKey("database") ? details : null);
      });
  }

  private Future<JsonObject> ask(String address) {
    return vertx.eventBus()
      .<JsonObject>request(address, new JsonObject(), new DeliveryOptions().setSendTimeout(HEALTH_TIMEOUT_MS))
      .map(Message::body);
  }

  /** Prometheus text; storage's gauges ({@link StorageGauges}) are set from its health first (kept as they were if it does not answer). */
  void metrics(RoutingContext ctx) {
    if (!(BackendRegistries.getDefaultNow() instanceof PrometheusMeterRegistry registry)) {
      ctx.fail(new PdmError(ErrorCode.UNAVAILABLE, "Metrics are not enabled on this node"));
      return;
    }
    storageHealth().timeout(HEALTH_TIMEOUT_MS, TimeUnit.MILLISECONDS).onComplete(health -> {
      if (health.succeeded() && health.result() != null) {
        StorageGauges.of(registry).update(registry, health.result());
      }
      scraper.handle(ctx);
    });
  }
}
