package com.ncvault.bridge;

import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which users each bridge connection has acted as (every token it sent that was accepted), so
 * that a connection ends when any of those users' sessions ends, as a WebSocket does: at the
 * earliest expiry of its tokens, or when the account is deleted or given a new password. Used from
 * the bridge verticle's event loop only.
 */
final class BridgeSessions<S> {

  private static final class Entry {
    final Set<String> users = new HashSet<>();
    Instant ends = Instant.MAX;
  }

  private final Map<S, Entry> bySocket = new HashMap<>();

  /**
   * Records that {@code socket} acted as {@code username} with a session ending at {@code ends};
   * true when that is earlier than the connection's end so far (the caller schedules it).
   */
  boolean add(S socket, String username, Instant ends) {
    Entry entry = bySocket.computeIfAbsent(socket, s -> new Entry());
    entry.users.add(username);
    if (ends.isBefore(entry.ends)) {
      entry.ends = ends;
      return true;
    }
    return false;
  }

  /** The connections that acted as {@code username}, now forgotten. */
  List<S> endUser(String username) {
    List<S> ended = bySocket.entrySet().stream().filter(e -> e.getValue().users.contains(username))
      .map(Map.Entry::getKey).toList();
    ended.forEach(bySocket::remove);
    return ended;
  }

  /** True (and the connection forgotten) when its sessions ended at {@code now}. */
  boolean expire(S socket, Instant now) {
    Entry entry = bySocket.get(socket);
    if (entry == null || entry.ends.isAfter(now)) {
      return false;
    }
    bySocket.remove(socket);
    return true;
  }

  void remove(S socket) {
    bySocket.remove(socket);
  }

  int size() {
    return bySocket.size();
  }
}
