package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.shareddata.Shareable;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The password checks (logins, Git LFS passwords, release signatures) a node has under way: at most
 * as many as its storage's crypto lane runs and queues ({@code StorageLimits.passwordCheckCapacity}).
 * One more is refused with 503 and {@code Retry-After} before anything is done for it: no attempt is
 * reserved in the login throttle's map (whose entries live a minute each, so a flood of made-up
 * names refused only by storage filled the heap at the rate of the flood), no storage call, no
 * database read. A refused login has had no password checked, so it tells the sender nothing and
 * takes no attempt from the name. The refusal is answered after {@link #REFUSAL_DELAY_MS}, the time
 * its {@code Retry-After} asks for: a client that ignores it and asks again at once (a flood) is
 * held to one attempt per second per request it has open, rather than costing the node a refusal
 * as fast as it can send them. Shared by the node's api instances.
 */
final class LoginGate implements Shareable {

  /** How long a refusal waits before it is answered: its {@code Retry-After}. */
  static final long REFUSAL_DELAY_MS = 1000;

  private final Vertx vertx;
  private final int capacity;
  private final AtomicInteger underWay = new AtomicInteger();
  private final AtomicLong refused = new AtomicLong();

  LoginGate(Vertx vertx, int capacity) {
    this.vertx = vertx;
    if (capacity < 1) {
      throw new IllegalArgumentException("A login gate lets at least one check through");
    }
    this.capacity = capacity;
  }

  /**
   * Runs {@code check} (reserving the attempt and checking the password) within the gate, or fails
   * with 503, {@link #REFUSAL_DELAY_MS} later and untried, when the node has as many checks under way
   * as it takes. On the caller's event loop.
   */
  <T> Future<T> run(Supplier<Future<T>> check) {
    if (underWay.incrementAndGet() > capacity) {
      underWay.decrementAndGet();
      refused.incrementAndGet();
      Promise<T> refusal = Promise.promise();
      vertx.setTimer(REFUSAL_DELAY_MS, id -> refusal.fail(new PdmError(ErrorCode.UNAVAILABLE,
        "The node is busy checking other logins; please try again in a moment",
        new JsonObject().put("retryAfterSeconds", REFUSAL_DELAY_MS / 1000))));
      return refusal.future();
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
