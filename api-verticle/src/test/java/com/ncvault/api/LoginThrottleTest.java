package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoginThrottleTest {

  private final MutableClock clock = new MutableClock();
  private final LoginThrottle throttle = new LoginThrottle(3, clock);

  private void fail(String user, int times) {
    for (int i = 0; i < times; i++) {
      throttle.recordFailure(user);
    }
  }

  @Test
  void aUserMayFailUpToTheLimitAndIsThenBlocked() {
    fail("alice", 2);
    assertThat(throttle.retryAfter("alice")).isZero();
    fail("alice", 1);
    assertThat(throttle.retryAfter("alice")).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void theBlockLiftsWhenTheOldestFailureIsAMinuteOld() {
    fail("alice", 1);
    clock.advance(Duration.ofSeconds(20));
    fail("alice", 2);
    assertThat(throttle.retryAfter("alice")).isEqualTo(Duration.ofSeconds(40));
    clock.advance(Duration.ofSeconds(39));
    assertThat(throttle.retryAfter("alice")).isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofSeconds(1));
    assertThat(throttle.retryAfter("alice")).isZero();
  }

  @Test
  void failuresOlderThanAMinuteDoNotCount() {
    fail("alice", 2);
    clock.advance(Duration.ofSeconds(61));
    fail("alice", 2);
    assertThat(throttle.retryAfter("alice")).isZero();
  }

  @Test
  void usersAreCountedSeparatelyButCaseDoesNotMatter() {
    fail("alice", 2);
    fail("ALICE", 1);
    assertThat(throttle.retryAfter("Alice")).isPositive();
    assertThat(throttle.retryAfter("bob")).isZero();
  }

  @Test
  void aSuccessfulLoginClearsTheCount() {
    fail("alice", 2);
    throttle.recordSuccess("alice");
    fail("alice", 2);
    assertThat(throttle.retryAfter("alice")).isZero();
  }

  @Test
  void manyDifferentNamesDoNotPileUpOnceTheirMinuteIsOver() {
    for (int i = 0; i < 1500; i++) {
      throttle.recordFailure("user" + i);
    }
    clock.advance(Duration.ofMinutes(2));
    throttle.recordFailure("late");
    assertThat(throttle.retryAfter("user1")).isZero();
    assertThat(throttle.retryAfter("late")).isZero();
  }
}
