package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ncvault.storage.PeerBreakers.State;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The breaker per peer: when a hung or unreachable node is skipped, and when it is tried again. */
class PeerBreakersTest {

  private long now = 1_000_000;
  private final List<String> changes = new ArrayList<>();
  private final PeerBreakers breakers = new PeerBreakers(3, 30_000, () -> now,
    (peer, state) -> changes.add(peer + " " + state));

  @Test
  void aPeerIsSkippedOnlyAfterThreeFailuresInARow() {
    breakers.failed("node-b");
    breakers.failed("node-b");
    assertThat(breakers.allow("node-b")).isTrue();
    breakers.failed("node-b");

    assertThat(breakers.allow("node-b")).isFalse();
    assertThat(breakers.state("node-b")).isEqualTo(State.OPEN);
    assertThat(breakers.notClosed()).containsExactly("node-b");
    assertThat(breakers.remainingMs("node-b")).isEqualTo(30_000);
    assertThat(breakers.allow("node-c")).as("another peer is not affected").isTrue();
    assertThat(changes).containsExactly("node-b OPEN");
  }

  @Test
  void aSuccessBetweenFailuresStartsTheCountAgain() {
    breakers.failed("node-b");
    breakers.failed("node-b");
    breakers.succeeded("node-b");
    breakers.failed("node-b");
    breakers.failed("node-b");

    assertThat(breakers.allow("node-b")).isTrue();
    assertThat(changes).isEmpty();
  }

  @Test
  void afterTheCoolDownOneCallTriesThePeerAndItsSuccessClosesTheBreaker() {
    open("node-b");
    now += 29_999;
    assertThat(breakers.allow("node-b")).isFalse();
    now += 1;

    assertThat(breakers.allow("node-b")).as("the trial").isTrue();
    assertThat(breakers.allow("node-b")).as("a second call while the trial runs").isFalse();
    assertThat(breakers.state("node-b")).isEqualTo(State.HALF_OPEN);
    breakers.succeeded("node-b");

    assertThat(breakers.state("node-b")).isEqualTo(State.CLOSED);
    assertThat(breakers.allow("node-b")).isTrue();
    assertThat(breakers.notClosed()).isEmpty();
    assertThat(changes).containsExactly("node-b OPEN", "node-b HALF_OPEN", "node-b CLOSED");
    breakers.failed("node-b");
    assertThat(breakers.allow("node-b")).as("one failure after closing does not open it again").isTrue();
  }

  @Test
  void aFailedTrialOpensTheBreakerForAnotherCoolDown() {
    open("node-b");
    now += 30_000;
    assertThat(breakers.allow("node-b")).isTrue();

    breakers.failed("node-b");

    assertThat(breakers.state("node-b")).isEqualTo(State.OPEN);
    assertThat(breakers.allow("node-b")).isFalse();
    now += 30_000;
    assertThat(breakers.allow("node-b")).isTrue();
  }

  @Test
  void aTrialThatNeverReportsIsGivenUpAfterACoolDown() {
    open("node-b");
    now += 30_000;
    assertThat(breakers.allow("node-b")).isTrue();

    now += 29_000;
    assertThat(breakers.allow("node-b")).isFalse();
    now += 1_000;
    assertThat(breakers.allow("node-b")).isTrue();
  }

  @Test
  void aBreakerNeedsAFailureCountAndACoolDown() {
    assertThatThrownBy(() -> new PeerBreakers(0, 1, () -> 0, (p, s) -> { })).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new PeerBreakers(1, 0, () -> 0, (p, s) -> { })).isInstanceOf(IllegalArgumentException.class);
  }

  private void open(String peer) {
    for (int i = 0; i < 3; i++) {
      breakers.failed(peer);
    }
    assertThat(breakers.allow(peer)).isFalse();
  }
}
