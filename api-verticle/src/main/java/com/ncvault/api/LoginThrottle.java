package com.ncvault.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Counts failed logins per username over the last minute, for the whole cluster. Once a name has
 * {@code maxFailures} failures in that window, further attempts are refused (429) until the oldest
 * failure is a minute old.
 *
 * <p>The failures live in the shared data's async map {@value #MAP}: on a single node a local map,
 * in a cluster the Hazelcast map every node sees. Each name has {@code maxFailures} slots holding
 * the time of one failure; a failure takes a free slot (or one whose failure is over a minute old)
 * with {@code putIfAbsent}, so two nodes recording at once never take the same slot, and every
 * entry expires a minute after it was written, so names that stop failing leave nothing behind.
 */
final class LoginThrottle {

  static final Duration WINDOW = Duration.ofMinutes(1);
  static final String MAP = "pdm.login-failures";
  /** Attempts to take a slot when another node takes the same free slot at the same time. */
  private static final int TAKE_ATTEMPTS = 5;

  private final AsyncMap<String, Long> failures;
  private final int maxFailures;
  private final long windowMs;
  private final Clock clock;

  LoginThrottle(AsyncMap<String, Long> failures, int maxFailures, Duration window, Clock clock) {
    this.failures = failures;
    this.maxFailures = maxFailures;
    this.windowMs = window.toMillis();
    this.clock = clock;
  }

  /** The throttle over this Vert.x instance's (in a cluster: the cluster's) failure map. */
  static Future<LoginThrottle> create(Vertx vertx, int maxFailures, Clock clock) {
    return vertx.sharedData().<String, Long>getAsyncMap(MAP).map(map -> new LoginThrottle(map, maxFailures, WINDOW, clock));
  }

  /** How long until {@code username} may try again; zero when it may try now. */
  Future<Duration> retryAfter(String username) {
    return slots(username).map(times -> {
      long now = clock.millis();
      long oldest = Long.MAX_VALUE;
      int recent = 0;
      for (Long at : times) {
        if (isRecent(at, now)) {
          recent++;
          oldest = Math.min(oldest, at);
        }
      }
      if (recent < maxFailures) {
        return Duration.ZERO;
      }
      long waitMs = oldest + windowMs - now;
      return waitMs <= 0 ? Duration.ofSeconds(1) : Duration.ofMillis(waitMs);
    });
  }

  Future<Void> recordFailure(String username) {
    return take(username, TAKE_ATTEMPTS);
  }

  Future<Void> recordSuccess(String username) {
    List<Future<Long>> removed = new ArrayList<>(maxFailures);
    for (int i = 0; i < maxFailures; i++) {
      removed.add(failures.remove(slot(username, i)));
    }
    return Future.all(removed).mapEmpty();
  }

  private Future<Void> take(String username, int attemptsLeft) {
    return slots(username).compose(times -> {
      long now = clock.millis();
      for (int i = 0; i < times.size(); i++) {
        if (times.get(i) == null) {
          return failures.putIfAbsent(slot(username, i), now, windowMs).compose(taken -> {
            if (taken == null || attemptsLeft <= 1) {
              return Future.<Void>succeededFuture();
            }
            return take(username, attemptsLeft - 1);
          });
        }
      }
      for (int i = 0; i < times.size(); i++) {
        if (!isRecent(times.get(i), now)) {
          // over a minute old but not yet expired from the map (another node's clock, or a test's)
          return failures.put(slot(username, i), now, windowMs);
        }
      }
      // every slot holds a recent failure: the name is blocked already
      return Future.<Void>succeededFuture();
    });
  }

  /** The failure time in each slot of {@code username}, null where the slot is free. */
  private Future<List<Long>> slots(String username) {
    List<Future<Long>> reads = new ArrayList<>(maxFailures);
    for (int i = 0; i < maxFailures; i++) {
      reads.add(failures.get(slot(username, i)));
    }
    return Future.all(reads).map(all -> {
      List<Long> times = new ArrayList<>(maxFailures);
      for (int i = 0; i < maxFailures; i++) {
        times.add(all.resultAt(i));
      }
      return times;
    });
  }

  private boolean isRecent(Long at, long now) {
    return at != null && at > now - windowMs;
  }

  /** Case-insensitive, so that "Alice" and "alice" share one budget. */
  private static String slot(String username, int index) {
    return username.toLowerCase(Locale.ROOT) + "#" + index;
  }
}
