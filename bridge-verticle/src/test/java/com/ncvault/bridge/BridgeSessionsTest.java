package com.ncvault.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class BridgeSessionsTest {

  private final Instant now = Instant.parse("2026-01-01T08:00:00Z");
  private final BridgeSessions<String> sessions = new BridgeSessions<>();

  @Test
  void aConnectionEndsWithAnyUserItActedAs() {
    sessions.add("conn1", "ann", now.plusSeconds(60));
    sessions.add("conn1", "ben", now.plusSeconds(60));
    sessions.add("conn2", "ann", now.plusSeconds(60));
    sessions.add("conn3", "cid", now.plusSeconds(60));

    assertThat(sessions.endUser("ben")).containsExactly("conn1");
    assertThat(sessions.endUser("ann")).containsExactly("conn2");
    assertThat(sessions.endUser("ann")).isEmpty();
    assertThat(sessions.size()).isEqualTo(1);
  }

  @Test
  void aConnectionExpiresWithItsEarliestSession() {
    assertThat(sessions.add("conn", "ann", now.plusSeconds(60))).isTrue();
    assertThat(sessions.add("conn", "ann", now.plusSeconds(90))).as("later: nothing to schedule").isFalse();
    assertThat(sessions.add("conn", "ben", now.plusSeconds(30))).isTrue();
    assertThat(sessions.expire("conn", now.plusSeconds(29))).isFalse();
    assertThat(sessions.expire("conn", now.plusSeconds(30))).isTrue();
    assertThat(sessions.size()).isZero();
  }

  @Test
  void aClosedConnectionIsForgotten() {
    sessions.add("conn", "ann", now.plusSeconds(60));
    sessions.remove("conn");
    assertThat(sessions.endUser("ann")).isEmpty();
    assertThat(sessions.expire("conn", now.plusSeconds(60))).isFalse();
  }
}
