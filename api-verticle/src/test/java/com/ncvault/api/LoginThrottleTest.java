package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.AsyncMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class LoginThrottleTest {

  private final MutableClock clock = new MutableClock();
  private Vertx vertx;
  private AsyncMap<String, Long> map;
  private LoginThrottle throttle;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    map = vertx.sharedData().<String, Long>getAsyncMap(LoginThrottle.MAP).await();
    throttle = new LoginThrottle(map, 3, LoginThrottle.WINDOW, clock);
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** {@code times} wrong passwords, one after another: each keeps the attempt it reserved. */
  private void fail(String user, int times) {
    for (int i = 0; i < times; i++) {
      assertThat(throttle.reserve(user).await().granted()).as("attempt %d of %s", i + 1, user).isTrue();
    }
  }

  /** Zero when {@code user} may try now (the attempt reserved to find out is removed again), else the wait. */
  private Duration retryAfter(String user) {
    LoginThrottle.Attempt attempt = throttle.reserve(user).await();
    if (!attempt.granted()) {
      return attempt.retryAfter();
    }
    map.remove(user.toLowerCase(java.util.Locale.ROOT) + "#" + attempt.slot()).await();
    return Duration.ZERO;
  }

  @Test
  void aUserMayFailUpToTheLimitAndIsThenBlocked() {
    fail("alice", 2);
    assertThat(retryAfter("alice")).isZero();
    fail("alice", 1);
    assertThat(retryAfter("alice")).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void theBlockLiftsWhenTheOldestFailureIsAMinuteOld() {
    fail("alice", 1);
    clock.advance(Duration.ofSeconds(20));
    fail("alice", 2);
    assertThat(retryAfter("alice")).isEqualTo(Duration.ofSeconds(40));
    clock.advance(Duration.ofSeconds(39));
    assertThat(retryAfter("alice")).isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(retryAfter("alice")).isZero();
  }

  @Test
  void failuresOlderThanAMinuteDoNotCountAndTheirSlotsAreTakenAgain() {
    fail("alice", 3);
    clock.advance(Duration.ofSeconds(61));
    fail("alice", 2);
    assertThat(retryAfter("alice")).isZero();
    fail("alice", 1);
    assertThat(retryAfter("alice")).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void usersAreCountedSeparatelyButCaseDoesNotMatter() {
    fail("alice", 2);
    fail("ALICE", 1);
    assertThat(retryAfter("Alice")).isPositive();
    assertThat(retryAfter("bob")).isZero();
  }

  @Test
  void aSuccessfulLoginClearsTheCount() {
    fail("alice", 2);
    throttle.recordSuccess("alice").await();
    fail("alice", 2);
    assertThat(retryAfter("alice")).isZero();
  }

  @Test
  void nodesSharingTheMapShareTheCountEvenWhenTheyRecordAtTheSameTime() {
    LoginThrottle otherNode = new LoginThrottle(map, 3, LoginThrottle.WINDOW, clock);
    List<Future<LoginThrottle.Attempt>> atOnce = new ArrayList<>();
    atOnce.add(throttle.reserve("alice"));
    atOnce.add(otherNode.reserve("alice"));
    atOnce.add(otherNode.reserve("alice"));
    Future.all(atOnce).await();
    assertThat(atOnce).allSatisfy(attempt -> assertThat(attempt.result().granted()).isTrue());
    assertThat(retryAfter("alice")).as("three failures, each in its own slot").isEqualTo(Duration.ofMinutes(1));
    assertThat(otherNode.reserve("alice").await().retryAfter()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void sixtyAttemptsAtOnceAgainstALimitOfTenGetTenReservationsAndFiftyRefusalsOverTwoNodes() {
    LoginThrottle node1 = new LoginThrottle(map, 10, LoginThrottle.WINDOW, clock);
    LoginThrottle node2 = new LoginThrottle(map, 10, LoginThrottle.WINDOW, clock);
    List<Future<LoginThrottle.Attempt>> atOnce = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      atOnce.add((i % 2 == 0 ? node1 : node2).reserve("alice"));
    }
    Future.all(atOnce).await();
    List<LoginThrottle.Attempt> attempts = atOnce.stream().map(Future::result).toList();
    assertThat(attempts).filteredOn(LoginThrottle.Attempt::granted).hasSize(10)
      .extracting(LoginThrottle.Attempt::slot).as("each in its own slot").doesNotHaveDuplicates();
    assertThat(attempts).filteredOn(attempt -> !attempt.granted())
      .hasSize(50).allSatisfy(refused -> assertThat(refused.retryAfter()).isEqualTo(Duration.ofMinutes(1)));
    assertThat(node1.reserve("alice").await().granted()).as("the next attempt, right password or not").isFalse();
  }

  @Test
  void anAttemptIsCountedFromItsReservationNotFromItsAnswer() {
    List<LoginThrottle.Attempt> inFlight = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      inFlight.add(throttle.reserve("alice").await());
    }
    // none of the three has been answered yet, and no fourth may start
    assertThat(inFlight).allMatch(LoginThrottle.Attempt::granted);
    assertThat(throttle.reserve("alice").await().granted()).isFalse();
  }

  @Test
  void aStaleSlotTakenByTwoAttemptsAtOnceGoesToOneOfThem() {
    fail("alice", 3);
    clock.advance(Duration.ofSeconds(61));
    // the three stale entries are still in the map (the test's clock moved, not the map's)
    List<Future<LoginThrottle.Attempt>> atOnce = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      atOnce.add(throttle.reserve("alice"));
    }
    Future.all(atOnce).await();
    assertThat(atOnce).filteredOn(attempt -> attempt.result().granted()).hasSize(3);
  }

  @Test
  void aSuccessEmptiesTheNamesSlots() {
    fail("alice", 2);
    assertThat(map.keys().await()).containsExactlyInAnyOrder("alice#0", "alice#1");
    throttle.recordSuccess("alice").await();
    assertThat(map.size().await()).isZero();
  }

  @Test
  @Timeout(10)
  void namesThatStopFailingLeaveNothingBehind() {
    LoginThrottle shortWindow = new LoginThrottle(map, 3, Duration.ofMillis(200), java.time.Clock.systemUTC());
    for (int i = 0; i < 50; i++) {
      shortWindow.reserve("user" + i).await();
    }
    assertThat(map.size().await()).isEqualTo(50);
    long start = System.nanoTime();
    emptied().await();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("expired with the window").isLessThan(Duration.ofSeconds(5));
  }

  /** Completes once the map is empty, asking again on a timer. */
  private Future<Void> emptied() {
    return map.size().compose(size -> {
      if (size == 0) {
        return Future.succeededFuture();
      }
      io.vertx.core.Promise<Void> later = io.vertx.core.Promise.promise();
      vertx.setTimer(20, id -> later.complete());
      return later.future().compose(v -> emptied());
    });
  }
}
