package com.ncvault.contract;

import java.util.List;

/**
 * The users connected to one node's /ws, published on {@link Addresses#PRESENCE} by that node's
 * sync-verticle when the set changes and periodically. A receiver forgets the node's entry
 * {@code ttlMs} after it last heard from it, so the users of a crashed node vanish.
 */
public record NodePresence(String node, List<UserConnections> users, long ttlMs) {

  /** One user and how many sockets it has open on the node. */
  public record UserConnections(String username, int connections) {
  }
}
