package com.ncvault.api;

import com.ncvault.contract.StorageApi.Account;
import io.vertx.core.shareddata.Shareable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who a username is right now (role, since when its sessions are good), remembered for a few seconds so that not every request asks
 * storage. Shared by all api-verticle instances of a node. An admin change made through this node
 * is forgotten at once; a change made on another node shows here within {@link #TTL}.
 */
final class UserCache implements Shareable {

  static final Duration TTL = Duration.ofSeconds(3);
  private static final int PRUNE_ABOVE = 10_000;

  private record Entry(Account user, Instant fetchedAt) {
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration ttl;

  UserCache(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  Optional<Account> get(String username) {
    Entry entry = entries.get(username);
    if (entry == null || isStale(entry, clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(entry.user());
  }

  void put(Account user) {
    Instant now = clock.instant();
    if (entries.size() > PRUNE_ABOVE) {
      entries.values().removeIf(e -> isStale(e, now));
    }
    entries.put(user.username(), new Entry(user, now));
  }

  void forget(String username) {
    entries.remove(username);
  }

  private boolean isStale(Entry entry, Instant now) {
    return !entry.fetchedAt().plus(ttl).isAfter(now);
  }
}
