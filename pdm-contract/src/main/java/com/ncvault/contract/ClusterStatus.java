package com.ncvault.contract;

import java.util.List;

/**
 * What a clustered node sees of the cluster, the reply of {@link Addresses#CLUSTER_STATUS} and the
 * {@code cluster} part of /health.
 *
 * @param status {@link #UP}, or {@link #DEGRADED} when a node seen alive recently is not a member
 *               visible from here (it is frozen, cut off, or this node is)
 * @param memberCount Hazelcast members visible from here, including programs that joined the
 *                    cluster without being a vault node
 * @param members names of the vault nodes among them, sorted
 * @param recentlySeen nodes whose heartbeat the node registry recorded within the last
 *                     {@code recentWindowSeconds}, sorted
 * @param missing recently seen nodes that are not members visible from here, sorted
 * @param recentWindowSeconds the window of {@code recentlySeen}
 */
public record ClusterStatus(String status, int memberCount, List<String> members, List<String> recentlySeen,
                            List<String> missing, long recentWindowSeconds) {

  public static final String UP = "up";
  public static final String DEGRADED = "degraded";

  /** How often each node records in the node registry that it is alive (its {@code lastSeen}). */
  public static final long REGISTRY_HEARTBEAT_MS = 30_000;
  /** A node counts as recently seen for two heartbeats: one late heartbeat is no alarm. */
  public static final long RECENT_WINDOW_MS = 2 * REGISTRY_HEARTBEAT_MS;
}
