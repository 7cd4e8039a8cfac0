package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ClusterStatus;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Degraded means: a node seen alive recently is not a member visible from here. */
class ClusterViewTest {

  private static final long NOW = 1_000_000_000L;

  @Test
  void everyRecentlySeenNodeAMemberIsUp() {
    ClusterStatus status = ClusterView.status(List.of("node-b", "node-a"), 3,
      Map.of("node-a", NOW - 1_000, "node-b", NOW - 29_000), NOW);
    assertThat(status.status()).isEqualTo(ClusterStatus.UP);
    assertThat(status.members()).containsExactly("node-a", "node-b");
    assertThat(status.memberCount()).as("a program that joined counts as a member, not as a node").isEqualTo(3);
    assertThat(status.missing()).isEmpty();
  }

  @Test
  void aNodeSeenWithinTheWindowButNotAMemberMakesItDegraded() {
    ClusterStatus status = ClusterView.status(List.of("node-a", "node-b"), 2,
      Map.of("node-a", NOW, "node-b", NOW, "node-c", NOW - ClusterStatus.RECENT_WINDOW_MS), NOW);
    assertThat(status.status()).isEqualTo(ClusterStatus.DEGRADED);
    assertThat(status.recentlySeen()).containsExactly("node-a", "node-b", "node-c");
    assertThat(status.missing()).containsExactly("node-c");
    assertThat(status.recentWindowSeconds()).isEqualTo(60);
  }

  @Test
  void aNodeGoneLongerThanTheWindowNoLongerCounts() {
    ClusterStatus status = ClusterView.status(List.of("node-a"), 1,
      Map.of("node-a", NOW, "node-old", NOW - ClusterStatus.RECENT_WINDOW_MS - 1), NOW);
    assertThat(status.status()).isEqualTo(ClusterStatus.UP);
    assertThat(status.recentlySeen()).containsExactly("node-a");
  }

  @Test
  void aNodeAloneAfterASplitSeesTheOthersMissing() {
    ClusterStatus status = ClusterView.status(List.of("node-c"), 1,
      Map.of("node-a", NOW - 5_000, "node-b", NOW - 10_000, "node-c", NOW - 40_000), NOW);
    assertThat(status.status()).isEqualTo(ClusterStatus.DEGRADED);
    assertThat(status.missing()).containsExactly("node-a", "node-b");
  }
}
