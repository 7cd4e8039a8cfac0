package com.ncvault.node;

import com.hazelcast.core.HazelcastInstance;
import com.ncvault.api.ApiVerticle;
import com.ncvault.bridge.BridgeVerticle;
import com.ncvault.machines.MachineVerticle;
import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.OwnerOnly;
import com.ncvault.contract.SocketHandoff;
import com.ncvault.storage.Migrations;
import com.ncvault.storage.StorageVerticle;
import com.ncvault.sync.SyncVerticle;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One node: storage first, then sync, then (clustered) membership, then the HTTP api (so nothing
 * is served before storage answers). A clustered node first checks that its secrets are the
 * cluster's. Used by {@link Main} and by the tests, which start nodes in-process.
 */
public final class PdmNode {

  private static final Logger LOG = LoggerFactory.getLogger(PdmNode.class);

  private final Vertx vertx;
  private final JsonObject config;
  private final List<String> deployments;

  private PdmNode(Vertx vertx, JsonObject config, List<String> deployments) {
    this.vertx = vertx;
    this.config = config;
    this.deployments = deployments;
  }

  /** Vert.x options every node uses: Prometheus metrics through Micrometer. */
  public static VertxOptions vertxOptions() {
    return new VertxOptions().setMetricsOptions(new MicrometerMetricsOptions()
      .setEnabled(true)
      .setJvmMetricsEnabled(true)
      .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true)));
  }

  /** Deploys a node on {@code vertx} with a complete configuration (see {@link ConfigLoader}). */
  public static Future<PdmNode> deploy(Vertx vertx, JsonObject loaded) {
    return deploy(vertx, loaded, null);
  }

  /**
   * Deploys a node on {@code vertx}, clustered over {@code clusterManager} (null for a single node):
   * the node checks its secrets against the cluster's and follows its membership.
   */
  public static Future<PdmNode> deploy(Vertx vertx, JsonObject loaded, HazelcastClusterManager clusterManager) {
    return deploy(vertx, loaded, clusterManager, null);
  }

  /**
   * As {@link #deploy(Vertx, JsonObject, HazelcastClusterManager)}, the storage applying
   * {@code migrations} instead of the shipped ones (null: the shipped ones): a test runs a node of the
   * previous schema version beside a migrated one so.
   */
  public static Future<PdmNode> deploy(Vertx vertx, JsonObject loaded, HazelcastClusterManager clusterManager,
    Migrations migrations) {
    JsonObject config = ConfigKeys.defaults().mergeIn(loaded);
    config.put(ConfigKeys.NODE_NAME, nodeName(config));
    Path dataDir = Path.of(config.getString(ConfigKeys.DATA_DIR)).toAbsolutePath().normalize();
    config.put(ConfigKeys.DATA_DIR, dataDir.toString());
    registerCodecs(vertx);
    List<String> ids = new ArrayList<>();
    HazelcastInstance hazelcast = clusterManager == null ? null : clusterManager.getHazelcastInstance();
    if (vertx.isClustered()) {
      try {
        ClusterSetup.requireClusterSettings(config);
      } catch (IllegalArgumentException refused) {
        return Future.failedFuture(refused);
      }
    }
    if (hazelcast != null) {
      // Before anything serves or registers: a node with other secrets must not look like a member that works.
      Optional<String> refusal = SecretsCheck.refusal(hazelcast);
      if (refusal.isPresent()) {
        return Future.failedFuture(new IllegalArgumentException(refusal.get()));
      }
    }
    return vertx.executeBlocking(() -> {
      tighten(dataDir);
      OwnerOnly.createDirectories(dataDir);
      return Secrets.signingKey(config.getString(ConfigKeys.JWT_SECRET), dataDir);
    })
      .compose(key -> {
        config.put(ConfigKeys.JWT_SECRET, key);
        return deploy(vertx, new StorageVerticle(migrations), config, 1, ids);
      })
      // After storage opened the database (whose files H2 creates with the process umask), before anything serves.
      .compose(v -> vertx.executeBlocking(() -> {
        tighten(dataDir);
        return null;
      }))
      .compose(v -> deploy(vertx, new SyncVerticle(), config, 1, ids))
      .compose(v -> hazelcast == null ? Future.<Void>succeededFuture()
        : deploy(vertx, new MembershipVerticle(hazelcast), config, 1, ids))
      .compose(v -> deploy(vertx, new ReplicationMetricsVerticle(), config, 1, ids))
      .compose(v -> deploy(vertx, new MachineVerticle(), config, 1, ids))
      .compose(v -> {
        int instances = config.getInteger(ConfigKeys.HTTP_INSTANCES, 0);
        int n = instances > 0 ? instances : Math.max(1, Runtime.getRuntime().availableProcessors());
        return vertx.deployVerticle(ApiVerticle::new, new DeploymentOptions().setConfig(config).setInstances(n))
          .onSuccess(ids::add);
      })
      .compose(v -> deploy(vertx, new BridgeVerticle(), config, 1, ids))
      .map(v -> {
        LOG.info("Node {} serving {} (bound to {}; data in {})", config.getString(ConfigKeys.NODE_NAME),
          pageUrl(config), config.getString(ConfigKeys.HTTP_HOST), dataDir);
        return new PdmNode(vertx, config, ids);
      })
      .recover(failure -> undeployAll(vertx, ids).transform(ignored -> Future.failedFuture(failure)));
  }

  /** Takes group and others' permissions off the data directory's entries, naming each one changed. */
  private static void tighten(Path dataDir) throws java.io.IOException {
    for (String change : OwnerOnly.tighten(dataDir)) {
      LOG.info("Data directory made owner-only: {}", change);
    }
  }

  /** The configured nodeName, else "node-" and the HTTP port. */
  static String nodeName(JsonObject config) {
    String name = config.getString(ConfigKeys.NODE_NAME, "");
    return name.isBlank() ? "node-" + config.getValue(ConfigKeys.HTTP_PORT) : name;
  }

  /**
   * The page's URL to open on this machine, for the start-up line: a wildcard bind address is no
   * address to open, localhost is.
   */
  static String pageUrl(JsonObject config) {
    String host = config.getString(ConfigKeys.HTTP_HOST, "");
    if (host.isBlank() || host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
      host = "localhost";
    } else if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    boolean tls = !config.getString(ConfigKeys.TLS_CERT, "").isBlank() && !config.getString(ConfigKeys.TLS_KEY, "").isBlank();
    return (tls ? "https" : "http") + "://" + host + ":" + config.getInteger(ConfigKeys.HTTP_PORT) + "/";
  }

  private static Future<Void> deploy(Vertx vertx, io.vertx.core.Deployable verticle, JsonObject config,
                                     int instances, List<String> ids) {
    return vertx.deployVerticle(verticle, new DeploymentOptions().setConfig(config).setInstances(instances))
      .onSuccess(ids::add)
      .mapEmpty();
  }

  private static void registerCodecs(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new SocketHandoff.Codec());
    } catch (IllegalStateException alreadyRegistered) {
      // a second node on the same Vert.x instance (tests) shares the codec
    }
  }

  /** Undeploys in reverse order: api first, so no request reaches a stopped storage. */
  public Future<Void> stop() {
    return undeployAll(vertx, deployments);
  }

  private static Future<Void> undeployAll(Vertx vertx, List<String> ids) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = ids.size() - 1; i >= 0; i--) {
      String id = ids.get(i);
      chain = chain.compose(v -> vertx.undeploy(id).recover(e -> Future.succeededFuture()));
    }
    return chain.onComplete(v -> ids.clear());
  }

  public Vertx vertx() {
    return vertx;
  }

  public JsonObject config() {
    return config;
  }

  public int port() {
    return config.getInteger(ConfigKeys.HTTP_PORT);
  }
}
