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

  private void fail(String user, int times) {
    for (int i = 0; i < times; i++) {
      throttle.recordFailure(user).await();
    }
  }

  private Duration retryAfter(String user) {
    return throttle.retryAfter(user).await();
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
    List<Future<Void>> atOnce = new ArrayList<>();
    atOnce.add(throttle.recordFailure("alice"));
    atOnce.add(otherNode.recordFailure("alice"));
    atOnce.add(otherNode.recordFailure("alice"));
    Future.all(atOnce).await();
    assertThat(retryAfter("alice")).as("three failures, each in its own slot").isEqualTo(Duration.ofMinutes(1));
    assertThat(otherNode.retryAfter("alice").await()).isEqualTo(Duration.ofMinutes(1));
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
      shortWindow.recordFailure("user" + i).await();
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
