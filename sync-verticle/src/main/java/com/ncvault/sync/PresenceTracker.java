package com.ncvault.sync;

import com.ncvault.contract.NodePresence;
import com.ncvault.contract.PresenceEntry;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The cluster's presence as this node sees it: its own users plus what every other node last
 * published, each remote entry forgotten when its time to live has passed (a crashed node's users
 * vanish). The merged view lists each user once with its nodes and total connection count.
 * Each update says what it changed: who is online where, or only how many sockets they have (a
 * page opened or closed by a user already online), which is told less often.
 *
 * <p>Not thread-safe: runs on the sync-verticle's context.
 */
final class PresenceTracker {

  /** What an update changed in the merged view. */
  enum Change {
    /** Nothing. */
    NONE,
    /** Only connection counts: the same users on the same nodes. */
    COUNTS,
    /** A user came online, went offline, or moved between nodes. */
    MEMBERS
  }

  private record Remote(List<NodePresence.UserConnections> users, long expiresAt) {
  }

  private final String self;
  private Map<String, Integer> local = Map.of();
  private final Map<String, Remote> remote = new HashMap<>();
  private List<PresenceEntry> view = List.of();

  PresenceTracker(String self) {
    this.self = self;
  }

  /** Replaces this node's users; what that changed in the merged view. */
  Change updateLocal(Map<String, Integer> users) {
    local = Map.copyOf(users);
    return recompute();
  }

  /** Records another node's publish; what that changed in the merged view. */
  Change updateRemote(NodePresence presence, long now) {
    if (presence == null || presence.node() == null || presence.node().equals(self)) {
      return Change.NONE;
    }
    List<NodePresence.UserConnections> users = presence.users() == null ? List.of() : presence.users();
    if (users.isEmpty()) {
      remote.remove(presence.node());
    } else {
      remote.put(presence.node(), new Remote(users, now + Math.max(1, presence.ttlMs())));
    }
    return recompute();
  }

  /** Forgets nodes not heard from in time; what that changed in the merged view. */
  Change expire(long now) {
    boolean removed = remote.values().removeIf(entry -> entry.expiresAt() <= now);
    return removed ? recompute() : Change.NONE;
  }

  List<PresenceEntry> view() {
    return view;
  }

  /** This node's users in the shape it publishes. */
  List<NodePresence.UserConnections> localUsers() {
    List<NodePresence.UserConnections> users = new ArrayList<>(local.size());
    new TreeMap<>(local).forEach((name, count) -> users.add(new NodePresence.UserConnections(name, count)));
    return users;
  }

  private Change recompute() {
    TreeMap<String, TreeSet<String>> nodes = new TreeMap<>();
    Map<String, Integer> counts = new HashMap<>();
    local.forEach((user, count) -> add(nodes, counts, user, self, count));
    remote.forEach((node, entry) -> entry.users()
      .forEach(user -> add(nodes, counts, user.username(), node, user.connections())));
    List<PresenceEntry> merged = new ArrayList<>(nodes.size());
    nodes.forEach((user, names) -> merged.add(new PresenceEntry(user, List.copyOf(names), counts.get(user))));
    if (merged.equals(view)) {
      return Change.NONE;
    }
    Change change = sameMembers(merged, view) ? Change.COUNTS : Change.MEMBERS;
    view = List.copyOf(merged);
    return change;
  }

  private static boolean sameMembers(List<PresenceEntry> a, List<PresenceEntry> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (!a.get(i).username().equals(b.get(i).username()) || !a.get(i).nodes().equals(b.get(i).nodes())) {
        return false;
      }
    }
    return true;
  }

  private static void add(TreeMap<String, TreeSet<String>> nodes, Map<String, Integer> counts,
                          String user, String node, int connections) {
    if (user == null || connections <= 0) {
      return;
    }
    nodes.computeIfAbsent(user, u -> new TreeSet<>()).add(node);
    counts.merge(user, connections, Integer::sum);
  }
}
