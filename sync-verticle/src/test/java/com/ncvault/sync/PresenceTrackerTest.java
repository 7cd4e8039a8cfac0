package com.ncvault.sync;

import com.ncvault.contract.NodePresence;
import com.ncvault.contract.PresenceEntry;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PresenceTrackerTest {

  private final PresenceTracker tracker = new PresenceTracker("node-8080");

  private static NodePresence remote(String node, String user, int connections) {
    return new NodePresence(node, List.of(new NodePresence.UserConnections(user, connections)), 30_000);
  }

  @Test
  void usersOfAllNodesAreMergedSortedByName() {
    assertThat(tracker.updateLocal(Map.of("bob", 1, "alice", 2))).isTrue();
    assertThat(tracker.updateRemote(remote("node-8081", "alice", 1), 0)).isTrue();
    assertThat(tracker.view()).containsExactly(
      new PresenceEntry("alice", List.of("node-8080", "node-8081"), 3),
      new PresenceEntry("bob", List.of("node-8080"), 1));
  }

  @Test
  void nothingChangesWhenTheSameUsersAreAnnouncedAgain() {
    tracker.updateRemote(remote("node-8081", "alice", 1), 0);
    assertThat(tracker.updateRemote(remote("node-8081", "alice", 1), 10_000)).isFalse();
    assertThat(tracker.updateLocal(Map.of())).isFalse();
  }

  @Test
  void aSilentNodesUsersVanishAfterTheirTimeToLive() {
    tracker.updateRemote(remote("node-8081", "carol", 1), 0);
    assertThat(tracker.expire(29_999)).isFalse();
    assertThat(tracker.expire(30_000)).isTrue();
    assertThat(tracker.view()).isEmpty();
  }

  @Test
  void aHeartbeatKeepsANodesUsers() {
    tracker.updateRemote(remote("node-8081", "carol", 1), 0);
    tracker.updateRemote(remote("node-8081", "carol", 1), 20_000);
    assertThat(tracker.expire(40_000)).isFalse();
    assertThat(tracker.view()).hasSize(1);
  }

  @Test
  void aNodeThatAnnouncesNoUsersIsForgottenAtOnce() {
    tracker.updateRemote(remote("node-8081", "carol", 1), 0);
    assertThat(tracker.updateRemote(new NodePresence("node-8081", List.of(), 30_000), 1)).isTrue();
    assertThat(tracker.view()).isEmpty();
  }

  @Test
  void itsOwnAnnouncementsAreIgnored() {
    assertThat(tracker.updateRemote(remote("node-8080", "mallory", 1), 0)).isFalse();
    assertThat(tracker.view()).isEmpty();
  }
}
