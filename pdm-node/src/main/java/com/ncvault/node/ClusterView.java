package com.ncvault.node;

import com.ncvault.contract.ClusterStatus;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What a node sees of the cluster, from two sources that fail differently: the Hazelcast members
 * visible from here (what the event bus reaches) and the node registry in the database (which node
 * recorded its heartbeat lately). A node that is recently seen but not a member is cut off from
 * this one: frozen, partitioned, or this node is the one alone.
 */
final class ClusterView {

  private ClusterView() {
  }

  /**
   * The status from the vault nodes among the members ({@code nodeMembers}), how many members there
   * are in all, and the registry's last heartbeat of each node (epoch ms) at {@code now}.
   */
  static ClusterStatus status(Collection<String> nodeMembers, int memberCount, Map<String, Long> lastSeen, long now) {
    TreeSet<String> members = new TreeSet<>(nodeMembers);
    TreeSet<String> recent = new TreeSet<>();
    lastSeen.forEach((name, seen) -> {
      if (now - seen <= ClusterStatus.RECENT_WINDOW_MS) {
        recent.add(name);
      }
    });
    List<String> missing = new ArrayList<>();
    for (String name : recent) {
      if (!members.contains(name)) {
        missing.add(name);
      }
    }
    return new ClusterStatus(missing.isEmpty() ? ClusterStatus.UP : ClusterStatus.DEGRADED, memberCount,
      List.copyOf(members), List.copyOf(recent), List.copyOf(missing), ClusterStatus.RECENT_WINDOW_MS / 1000);
  }
}
