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
 * At most {@code maxAttempts} login attempts per username in any minute, for the whole cluster. An
 * attempt is reserved before its password is checked; once a name's attempts of the last minute are
 * all taken, further ones are refused (429) whatever their password, until the oldest is a minute old.
 * A reserved attempt counts whatever its answer (a wrong password, or a node too busy to check it),
 * except a right password, which clears the name.
 *
 * <p>The reservations live in the shared data's async map {@value #MAP}: on a single node a local
 * map, in a cluster the Hazelcast map every node sees. Each name has {@code maxAttempts} slots
 * holding the time of one attempt. A reservation takes a free slot with {@code putIfAbsent}, and a
 * slot whose attempt is over a minute old by first removing exactly that old value
 * ({@code removeIfPresent}), so two attempts racing, on one node or on several, never share a slot
 * and never exceed the limit. Every entry expires a minute after it was written, so names that stop
 * failing leave nothing behind.
 */
final class LoginThrottle {

  static final Duration WINDOW = Duration.ofMinutes(1);
  static final String MAP = "pdm.login-failures";

  /**
   * One login attempt: reserved in {@code slot} at {@code at}, or refused ({@code slot} -1) with
   * the time until the name may try again.
   */
  record Attempt(String username, int slot, long at, Duration retryAfter) {
    boolean granted() {
      return slot >= 0;
    }
  }

  private final AsyncMap<String, Long> attempts;
  private final int maxAttempts;
  private final long windowMs;
  private final Clock clock;

  LoginThrottle(AsyncMap<String, Long> attempts, int maxAttempts, Duration window, Clock clock) {
    this.attempts = attempts;
    this.maxAttempts = maxAttempts;
    this.windowMs = window.toMillis();
    this.clock = clock;
  }

  /** The throttle over this Vert.x instance's (in a cluster: the cluster's) attempt map. */
  static Future<LoginThrottle> create(Vertx vertx, int maxAttempts, Clock clock) {
    return vertx.sharedData().<String, Long>getAsyncMap(MAP).map(map -> new LoginThrottle(map, maxAttempts, WINDOW, clock));
  }

  /** Reserves one attempt for {@code username}, or says how long until it may try again. */
  Future<Attempt> reserve(String username) {
    return slots(username).compose(times -> take(username, times, 0, clock.millis(), Long.MAX_VALUE));
  }

  /** A right password: the name's attempts of the last minute no longer count. */
  Future<Void> recordSuccess(String username) {
    List<Future<Long>> removed = new ArrayList<>(maxAttempts);
    for (int i = 0; i < maxAttempts; i++) {
      removed.add(attempts.remove(key(username, i)));
    }
    return Future.all(removed).mapEmpty();
  }

  /**
   * Tries the slots from {@code index} on, in order: a free one is taken, one over a minute old is
   * freed and taken, a recent one is passed. {@code oldestRecent} is the oldest recent attempt seen.
   */
  private Future<Attempt> take(String username, List<Long> times, int index, long now, long oldestRecent) {
    if (index == times.size()) {
      long waitMs = oldestRecent == Long.MAX_VALUE ? windowMs : oldestRecent + windowMs - now;
      return Future.succeededFuture(new Attempt(username, -1, now, Duration.ofMillis(Math.max(1000, waitMs))));
    }
    Long at = times.get(index);
    if (isRecent(at, now)) {
      return take(username, times, index + 1, now, Math.min(oldestRecent, at));
    }
    String key = key(username, index);
    // a stale attempt (another node's clock, or a test's) is removed only if no one replaced it meanwhile
    Future<Boolean> freed = at == null ? Future.succeededFuture(true) : attempts.removeIfPresent(key, at);
    return freed
      .compose(ignored -> attempts.putIfAbsent(key, now, windowMs))
      .compose(holder -> {
        if (holder == null) {
          return Future.succeededFuture(new Attempt(username, index, now, Duration.ZERO));
        }
        // another attempt took the slot first
        long oldest = isRecent(holder, now) ? Math.min(oldestRecent, holder) : oldestRecent;
        return take(username, times, index + 1, now, oldest);
      });
  }

  /** The attempt time in each slot of {@code username}, null where the slot is free. */
  private Future<List<Long>> slots(String username) {
    List<Future<Long>> reads = new ArrayList<>(maxAttempts);
    for (int i = 0; i < maxAttempts; i++) {
      reads.add(attempts.get(key(username, i)));
    }
    return Future.all(reads).map(all -> {
      List<Long> times = new ArrayList<>(maxAttempts);
      for (int i = 0; i < maxAttempts; i++) {
        times.add(all.resultAt(i));
      }
      return times;
    });
  }

  private boolean isRecent(Long at, long now) {
    return at != null && at > now - windowMs;
  }

  /** Case-insensitive, so that "Alice" and "alice" share one budget. */
  private static String key(String username, int index) {
    return username.toLowerCase(Locale.ROOT) + "#" + index;
  }
}
