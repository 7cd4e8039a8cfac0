package com.ncvault.node;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.MultiMapConfig;
import com.hazelcast.config.NetworkConfig;
import com.ncvault.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import java.util.ArrayList;
import java.util.List;

/**
 * Hazelcast for the clustered event bus, configured in code: TCP-IP members only (no multicast,
 * no auto-detection), bound to one interface, no phone-home, no join wait; failure detection and
 * split-brain merging on the configured timings. The map settings are those of vertx-hazelcast's
 * default-cluster.xml. Each member carries its node name and the digests of its secrets as
 * attributes (see {@link SecretsCheck}).
 */
final class ClusterSetup {

  /** Member attribute: the member's nodeName. Programs that join the cluster without being a node lack it. */
  static final String NODE_NAME_ATTRIBUTE = "pdm.nodeName";

  private ClusterSetup() {
  }

  static Config hazelcastConfig(JsonObject config) {
    String host = config.getString(ConfigKeys.CLUSTER_HOST);
    int port = config.getInteger(ConfigKeys.CLUSTER_PORT);
    int portCount = config.getInteger(ConfigKeys.CLUSTER_PORT_COUNT);
    Config hz = new Config();
    hz.setClusterName(config.getString(ConfigKeys.CLUSTER_NAME));
    hz.setProperty("hazelcast.socket.bind.any", "false");
    hz.setProperty("hazelcast.phone.home.enabled", "false");
    hz.setProperty("hazelcast.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.max.wait.seconds.before.join", "0");
    hz.setProperty("hazelcast.logging.type", "slf4j");
    hz.setProperty("hazelcast.heartbeat.interval.seconds",
      config.getValue(ConfigKeys.CLUSTER_HEARTBEAT_SECONDS).toString());
    hz.setProperty("hazelcast.max.no.heartbeat.seconds",
      config.getValue(ConfigKeys.CLUSTER_MEMBER_TIMEOUT_SECONDS).toString());
    // Hazelcast's defaults (first look after 300 s, then every 120 s) left a partitioned member alone for minutes.
    String merge = config.getValue(ConfigKeys.CLUSTER_MERGE_SECONDS).toString();
    hz.setProperty("hazelcast.merge.first.run.delay.seconds", merge);
    hz.setProperty("hazelcast.merge.next.run.delay.seconds", merge);
    hz.getMemberAttributeConfig().setAttribute(NODE_NAME_ATTRIBUTE, PdmNode.nodeName(config));
    SecretsCheck.digests(config).forEach(hz.getMemberAttributeConfig()::setAttribute);

    NetworkConfig network = hz.getNetworkConfig();
    network.setPort(port).setPortCount(portCount).setPortAutoIncrement(true);
    network.setPublicAddress(null);
    network.getInterfaces().setEnabled(true).addInterface(host);
    JoinConfig join = network.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    join.getTcpIpConfig().setEnabled(true);
    // Members are hosts; Hazelcast probes the port range on each (a range inside the member fails)
    config.getJsonArray(ConfigKeys.CLUSTER_MEMBERS).forEach(member -> join.getTcpIpConfig().addMember(member.toString()));

    hz.addMultiMapConfig(new MultiMapConfig("__vertx.subs").setBackupCount(1)
      .setValueCollectionType(MultiMapConfig.ValueCollectionType.SET));
    hz.addMapConfig(new MapConfig("__vertx.haInfo").setBackupCount(1));
    hz.addMapConfig(new MapConfig("__vertx.nodeInfo").setBackupCount(1));
    return hz;
  }

  /**
   * What a clustered node needs that a single node does not; empty when nothing is missing. Every
   * node must sign and accept the same tokens, copy content from the others, and share the one
   * database that orders all changes.
   */
  static List<String> missingForCluster(JsonObject config) {
    List<String> missing = new ArrayList<>();
    if (config.getString(ConfigKeys.JWT_SECRET, "").isBlank()) {
      missing.add(ConfigKeys.JWT_SECRET + " (" + ConfigKeys.envName(ConfigKeys.JWT_SECRET) + ") must be set, the same"
        + " on every node: a key generated per node would make a login valid on that node only");
    }
    if (config.getString(ConfigKeys.CLUSTER_SECRET, "").isBlank()) {
      missing.add(ConfigKeys.CLUSTER_SECRET + " (" + ConfigKeys.envName(ConfigKeys.CLUSTER_SECRET) + ") must be set,"
        + " the same on every node: without it nodes cannot copy content from each other");
    }
    if (!"postgres".equalsIgnoreCase(String.valueOf(config.getValue(ConfigKeys.DB_KIND)))) {
      missing.add(ConfigKeys.DB_KIND + " (" + ConfigKeys.envName(ConfigKeys.DB_KIND) + ") must be postgres: the nodes"
        + " of a cluster share one PostgreSQL database (" + ConfigKeys.PG_URI + ")");
    }
    int heartbeat = positive(config, ConfigKeys.CLUSTER_HEARTBEAT_SECONDS, missing);
    int timeout = positive(config, ConfigKeys.CLUSTER_MEMBER_TIMEOUT_SECONDS, missing);
    positive(config, ConfigKeys.CLUSTER_MERGE_SECONDS, missing);
    if (heartbeat > 0 && timeout > 0 && timeout < 3 * heartbeat) {
      missing.add(ConfigKeys.CLUSTER_MEMBER_TIMEOUT_SECONDS + " must be at least three times "
        + ConfigKeys.CLUSTER_HEARTBEAT_SECONDS + ": one late heartbeat must not remove a member");
    }
    return missing;
  }

  private static int positive(JsonObject config, String key, List<String> problems) {
    Object value = config.getValue(key);
    if (value instanceof Number n && n.intValue() >= 1) {
      return n.intValue();
    }
    problems.add(key + " (" + ConfigKeys.envName(key) + ") must be a whole number of seconds of at least 1, not " + value);
    return -1;
  }

  /** Refuses a clustered start with everything that is missing in one message. */
  static void requireClusterSettings(JsonObject config) {
    List<String> missing = missingForCluster(config);
    if (!missing.isEmpty()) {
      throw new IllegalArgumentException("A clustered node cannot start: " + String.join("; ", missing));
    }
  }

  static HazelcastClusterManager clusterManager(JsonObject config) {
    return new HazelcastClusterManager(hazelcastConfig(config));
  }

}
