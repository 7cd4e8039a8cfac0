package com.ncvault.api;

import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How many uploads each user has being received on this node, shared by the api-verticle
 * instances: a user may run {@link #perUser()} at once, so one account cannot fill the disk's
 * bandwidth and the incoming directory with parallel uploads.
 */
final class UploadSlots implements Shareable {

  private final ConcurrentHashMap<String, Integer> running = new ConcurrentHashMap<>();
  private final int perUser;

  UploadSlots(int perUser) {
    this.perUser = perUser;
  }

  int perUser() {
    return perUser;
  }

  /** True when {@code user} may start another upload (and it is counted). */
  boolean take(String user) {
    boolean[] taken = {false};
    running.compute(user, (name, n) -> {
      int count = n == null ? 0 : n;
      if (count >= perUser) {
        return n;
      }
      taken[0] = true;
      return count + 1;
    });
    return taken[0];
  }

  void give(String user) {
    running.computeIfPresent(user, (name, n) -> n <= 1 ? null : n - 1);
  }
}
