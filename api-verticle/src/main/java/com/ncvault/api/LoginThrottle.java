package com.ncvault.api;

import io.vertx.core.shareddata.Shareable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Counts failed logins per username over the last minute. Once a name has {@code maxFailures}
 * failures in that window, further attempts are refused (429) until the oldest failure is a
 * minute old. Shared by all api-verticle instances of a node; thread-safe.
 */
final class LoginThrottle implements Shareable {

  static final Duration WINDOW = Duration.ofMinutes(1);
  private static final int SWEEP_ABOVE = 1_000;

  private final ConcurrentHashMap<String, Deque<Instant>> failures = new ConcurrentHashMap<>();
  private final int maxFailures;
  private final Clock clock;

  LoginThrottle(int maxFailures, Clock clock) {
    this.maxFailures = maxFailures;
    this.clock = clock;
  }

  /** How long until {@code username} may try again; zero when it may try now. */
  Duration retryAfter(String username) {
    Deque<Instant> times = failures.get(key(username));
    if (times == null) {
      return Duration.ZERO;
    }
    Instant now = clock.instant();
    synchronized (times) {
      dropExpired(times, now);
      if (times.size() < maxFailures) {
        return Duration.ZERO;
      }
      Duration wait = Duration.between(now, times.peekFirst().plus(WINDOW));
      return wait.isNegative() || wait.isZero() ? Duration.ofSeconds(1) : wait;
    }
  }

  void recordFailure(String username) {
    Instant now = clock.instant();
    if (failures.size() > SWEEP_ABOVE) {
      sweep(now);
    }
    Deque<Instant> times = failures.computeIfAbsent(key(username), k -> new ArrayDeque<>());
    synchronized (times) {
      dropExpired(times, now);
      times.addLast(now);
    }
  }

  void recordSuccess(String username) {
    failures.remove(key(username));
  }

  private void sweep(Instant now) {
    failures.entrySet().removeIf(e -> {
      synchronized (e.getValue()) {
        dropExpired(e.getValue(), now);
        return e.getValue().isEmpty();
      }
    });
  }

  private static void dropExpired(Deque<Instant> times, Instant now) {
    Instant oldestKept = now.minus(WINDOW);
    while (!times.isEmpty() && !times.peekFirst().isAfter(oldestKept)) {
      times.removeFirst();
    }
  }

  /** Case-insensitive, so that "Alice" and "alice" share one budget. */
  private static String key(String username) {
    return username.toLowerCase(Locale.ROOT);
  }
}
