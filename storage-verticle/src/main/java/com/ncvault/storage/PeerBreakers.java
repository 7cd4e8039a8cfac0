package com.ncvault.storage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.LongSupplier;

/**
 * A circuit breaker per peer node: after {@code failures} calls in a row that timed out (the caller
 * decides what counts), it is skipped at once for {@code cooldownMs} (open); then one call may try it
 * (half-open): success closes the breaker, failure opens it for another cool-down. A trial whose
 * outcome never comes is given up after a cool-down, so a breaker cannot stay half-open for ever.
 * Plain state on one thread (the storage-verticle's context); time and the listener are passed in.
 */
final class PeerBreakers {

  /** What a breaker lets through: CLOSED all calls, OPEN none, HALF_OPEN one trial. */
  enum State { CLOSED, OPEN, HALF_OPEN }

  private static final class Breaker {
    State state = State.CLOSED;
    int failures;
    long since;
  }

  private final int failures;
  private final long cooldownMs;
  private final LongSupplier clock;
  private final BiConsumer<String, State> onChange;
  private final Map<String, Breaker> breakers = new HashMap<>();

  /** {@code onChange} hears every change of a peer's state (for metrics and the log). */
  PeerBreakers(int failures, long cooldownMs, LongSupplier clock, BiConsumer<String, State> onChange) {
    if (failures < 1 || cooldownMs < 1) {
      throw new IllegalArgumentException("a breaker needs at least one failure and a positive cool-down");
    }
    this.failures = failures;
    this.cooldownMs = cooldownMs;
    this.clock = clock;
    this.onChange = onChange;
  }

  /**
   * Whether the peer may be called now; a true answer must be followed by {@link #succeeded} or
   * {@link #failed} for that peer (it may be the one trial of a half-open breaker).
   */
  boolean allow(String peer) {
    Breaker b = breakers.get(peer);
    if (b == null || b.state == State.CLOSED) {
      return true;
    }
    long now = clock.getAsLong();
    if (now - b.since < cooldownMs) {
      return false;
    }
    // the cool-down is over (OPEN), or the last trial never reported (HALF_OPEN): one call may try
    b.since = now;
    change(peer, b, State.HALF_OPEN);
    return true;
  }

  /** The peer answered: its breaker closes. */
  void succeeded(String peer) {
    Breaker b = breakers.get(peer);
    if (b == null) {
      return;
    }
    b.failures = 0;
    change(peer, b, State.CLOSED);
  }

  /** The peer did not answer in time. */
  void failed(String peer) {
    Breaker b = breakers.computeIfAbsent(peer, p -> new Breaker());
    b.failures++;
    if (b.state == State.HALF_OPEN || b.failures >= failures) {
      b.since = clock.getAsLong();
      change(peer, b, State.OPEN);
    }
  }

  State state(String peer) {
    Breaker b = breakers.get(peer);
    return b == null ? State.CLOSED : b.state;
  }

  /** Milliseconds until an open breaker lets a trial through (0 when it would now). */
  long remainingMs(String peer) {
    Breaker b = breakers.get(peer);
    return b == null || b.state == State.CLOSED ? 0 : Math.max(0, cooldownMs - (clock.getAsLong() - b.since));
  }

  /** The peers skipped now or being tried again (breaker not closed), sorted. */
  List<String> notClosed() {
    return breakers.entrySet().stream().filter(e -> e.getValue().state != State.CLOSED).map(Map.Entry::getKey)
      .sorted().toList();
  }

  private void change(String peer, Breaker b, State next) {
    if (b.state != next) {
      b.state = next;
      onChange.accept(peer, next);
    }
  }
}
