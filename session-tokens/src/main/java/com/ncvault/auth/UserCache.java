package com.ncvault.auth;

import com.ncvault.contract.StorageApi.Account;
import io.vertx.core.shareddata.Shareable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Who a username is right now (account id, role, since when its sessions are good), remembered for a
 * few seconds so that not every token check asks storage. The api-verticle instances of a node share
 * one, the bridge has its own. An admin change made through this node, or an account's sessions
 * ending anywhere, is forgotten at once; any other change shows here within {@link #TTL}.
 */
public final class UserCache implements Shareable {

  public static final Duration TTL = Duration.ofSeconds(3);
  private static final int PRUNE_ABOVE = 10_000;

  private record Entry(Account user, Instant fetchedAt) {
  }

  private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration ttl;

  public UserCache(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  public Optional<Account> get(String username) {
    Entry entry = entries.get(username);
    if (entry == null || isStale(entry, clock.instant())) {
      return Optional.empty();
    }
    return Optional.of(entry.user());
  }

  public void put(Account user) {
    Instant now = clock.instant();
    if (entries.size() > PRUNE_ABOVE) {
      entries.values().removeIf(e -> isStale(e, now));
    }
    entries.put(user.username(), new Entry(user, now));
  }

  public void forget(String username) {
    entries.remove(username);
  }

  private boolean isStale(Entry entry, Instant now) {
    return !entry.fetchedAt().plus(ttl).isAfter(now);
  }
}
