package com.ncvault.node;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Clustered nodes, each in its own JVM with its own data directory, sharing one PostgreSQL
 * database, one token key and one cluster secret. Started one after another (starting JVMs at
 * once on two cores doubles the join time).
 */
public final class TestCluster implements AutoCloseable {

  /** JVM flags Hazelcast asks for on Java 17. */
  public static final List<String> HAZELCAST_JVM_FLAGS = List.of(
    "--add-modules", "java.se",
    "--add-exports", "java.base/jdk.internal.ref=ALL-UNNAMED",
    "--add-opens", "java.base/java.lang=ALL-UNNAMED",
    "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
    "--add-opens", "java.management/sun.management=ALL-UNNAMED",
    "--add-opens", "jdk.management/com.sun.management.internal=ALL-UNNAMED");

  private final String pgUri;
  private final String clusterName = "ncvault-test-" + UUID.randomUUID().toString().substring(0, 8);
  private final String jwtSecret = UUID.randomUUID() + "-" + UUID.randomUUID();
  private final String clusterSecret = UUID.randomUUID().toString();
  private final int firstClusterPort;
  private final List<NodeProcess> nodes = new ArrayList<>();
  private final List<Path> dataDirs = new ArrayList<>();
  private final List<Integer> httpPorts = new ArrayList<>();

  public TestCluster(String pgUri) {
    this.pgUri = pgUri;
    // a random base so that a cluster left over from another run cannot be joined by mistake
    this.firstClusterPort = TestNode.CLUSTER_PORTS_FROM + (int) (Math.random() * 20000);
  }

  /** Starts node number {@code index} (0-based), or restarts it on its former port and data. */
  public NodeProcess start(int index, Map<String, String> extraEnv) throws IOException {
    NodeProcess node = NodeProcess.start(httpPort(index), dataDirs.get(index), jvmFlags(), environment(index, extraEnv),
      List.of());
    nodes.set(index, node);
    return node;
  }

  /** Starts node {@code index} without waiting for it to serve: for a node expected to refuse. */
  public NodeProcess launch(int index, Map<String, String> extraEnv) throws IOException {
    NodeProcess node = NodeProcess.launch(httpPort(index), dataDirs.get(index), jvmFlags(),
      environment(index, extraEnv), List.of());
    nodes.set(index, node);
    return node;
  }

  private static List<String> jvmFlags() {
    List<String> jvm = new ArrayList<>(HAZELCAST_JVM_FLAGS);
    jvm.addAll(NodeProcess.SHORT_LIVED);
    jvm.add("-Xmx384m");
    return jvm;
  }

  /** The PDM_* variables of node {@code index}: the cluster's settings, then {@code extraEnv}. */
  public Map<String, String> environment(int index, Map<String, String> extraEnv) {
    Map<String, String> env = new HashMap<>();
    env.put("PDM_CLUSTER", "true");
    env.put("PDM_CLUSTER_NAME", clusterName);
    env.put("PDM_CLUSTER_PORT", Integer.toString(firstClusterPort));
    env.put("PDM_CLUSTER_PORT_COUNT", "5");
    env.put("PDM_DB_KIND", "postgres");
    env.put("PDM_PG_URI", pgUri);
    env.put("PDM_JWT_SECRET", jwtSecret);
    env.put("PDM_CLUSTER_SECRET", clusterSecret);
    env.put("PDM_NODE_NAME", "node-" + (char) ('a' + index));
    env.put("PDM_HTTP_INSTANCES", "1");
    env.putAll(extraEnv);
    return env;
  }

  public NodeProcess start(int index) throws IOException {
    return start(index, Map.of());
  }

  public NodeProcess node(int index) {
    return nodes.get(index);
  }

  /** The HTTP port of node {@code index}, chosen now if the node has not been started yet. */
  public int httpPort(int index) {
    reserve(index);
    return httpPorts.get(index);
  }

  /** The address a browser uses for node {@code index}. */
  public String baseUrl(int index) {
    return "http://127.0.0.1:" + httpPort(index);
  }

  private void reserve(int index) {
    while (dataDirs.size() <= index) {
      dataDirs.add(TestNode.tempDir());
      httpPorts.add(TestNode.freePort());
      nodes.add(null);
    }
  }

  public String jwtSecret() {
    return jwtSecret;
  }

  @Override
  public void close() throws InterruptedException {
    for (NodeProcess node : nodes) {
      if (node != null) {
        node.close();
      }
    }
    dataDirs.forEach(TestNode::deleteTree);
  }
}
