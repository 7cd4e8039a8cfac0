package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The password checks (logins, Git LFS passwords) a node has under way: at most as many as its
 * storage's crypto lane runs and queues ({@code StorageLimits.passwordCheckCapacity}). One more is
 * refused at once with 503 and {@code Retry-After}, before anything is done for it: no attempt is
 * reserved in the login throttle's map (whose entries live a minute each, so a flood of made-up
 * names refused only by storage filled the heap at the rate of the flood), no storage call, no
 * database read. A refused login has had no password checked, so it tells the sender nothing and
 * takes no attempt from the name. Shared by the node's api instances.
 */
final class LoginGate implements Shareable {

  private final int capacity;
  private final AtomicInteger underWay = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();

  LoginGate(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("A login gate lets at least one check through");
    }
    this.capacity = capacity;
  }

  /**
   * Runs {@code check} (reserving the attempt and checking the password) within the gate, or fails at
   * once with 503 when the node has as many checks under way as it takes.
   */
  <T> Future<T> run(Supplier<Future<T>> check) {
    if (underWay.incrementAndGet() > capacity) {
      underWay.decrementAndGet();
      refused.incrementAndGet();
      return Future.failedFuture(new PdmError(ErrorCode.UNAVAILABLE,
        "The node is busy checking other logins; please try again in a moment",
        new JsonObject().put("retryAfterSeconds", 1)));
    }
    Future<T> checked;
    try {
      checked = check.get();
    } catch (RuntimeException e) {
      underWay.decrementAndGet();
      throw e;
    }
    return checked.andThen(done -> underWay.decrementAndGet());
  }

  /** For /health: how many checks the node takes on, how many are under way, how many were refused since start. */
  JsonObject state() {
    return new JsonObject()
      .put("capacity", capacity)
      .put("underWay", Math.min(capacity, underWay.get()))
      .put("refused", refused.get());
  }
}
