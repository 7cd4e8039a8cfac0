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
    assertThat(tracker.updateLocal(Map.of("bob", 1, "alice", 2))).isEqualTo(PresenceTracker.Change.MEMBERS);
    assertThat(tracker.updateRemote(remote("node-8081", "alice", 1), 0)).isEqualTo(PresenceTracker.Change.MEMBERS);
    assertThat(tracker.view()).containsExactly(
      new PresenceEntry("alice", List.of("node-8080", "node-8081"), 3),
      new PresenceEntry("bob", List.of("node-8080"), 1));
  }

  @Test
  void nothingChangesWhenTheSameUsersAreAnnouncedAgain() {
    tracker.updateRemote(remote("node-8081", "alice", 1), 0);
    assertThat(tracker.updateRemote(remote("node-8081", "alice", 1), 10_000)).isEqualTo(PresenceTracker.Change.NONE);
    assertThat(tracker.updateLocal(Map.of())).isEqualTo(PresenceTracker.Change.NONE);
  }

  @Test
  void aSilentNodesUsersVanishAfterTheirTimeToLive() {
    tracker.updateRemote(remote("node-8081", "carol", 1), 0);
    assertThat(tracker.expire(29_999)).isEqualTo(PresenceTracker.Change.NONE);
    assertThat(tracker.expire(30_000)).isEqualTo(PresenceTracker.Change.MEMBERS);
    assertThat(tracker.view()).isEmpty();
  }

  @Test
  void aHeartbeatKeepsANodesUsers() {
    tracker.updateRemote(remote("node-8081", "carol", 1), 0);
    tracker.updateRemote(remote("node-8081", "carol", 1), 20_000);
    assertThat(tracker.expire(40_000)).isEqualTo(PresenceTracker.Change.NONE);
    assertThat(tracker.view()).hasSize(1);
  }

  @Test
  void aNodeThatAnnouncesNoUsersIsForgottenAtOnce() {
    tracker.updateRemote(remote("node-8081", "carol", 1), 0);
    assertThat(tracker.updateRemote(new NodePresence("node-8081", List.of(), 30_000), 1))
      .isEqualTo(PresenceTracker.Change.MEMBERS);
    assertThat(tracker.view()).isEmpty();
  }

  @Test
  void itsOwnAnnouncementsAreIgnored() {
    assertThat(tracker.updateRemote(remote("node-8080", "mallory", 1), 0)).isEqualTo(PresenceTracker.Change.NONE);
    assertThat(tracker.view()).isEmpty();
  }

  @Test
  void anotherSocketOfAUserAlreadyOnlineChangesOnlyTheCounts() {
    tracker.updateLocal(Map.of("alice", 1));
    tracker.updateRemote(remote("node-8081", "bob", 1), 0);
    assertThat(tracker.updateLocal(Map.of("alice", 2))).isEqualTo(PresenceTracker.Change.COUNTS);
    assertThat(tracker.updateRemote(remote("node-8081", "bob", 3), 1)).isEqualTo(PresenceTracker.Change.COUNTS);
    // the same user on one more node, a user more, a user less: who is online where changed
    assertThat(tracker.updateRemote(new NodePresence("node-8081", List.of(new NodePresence.UserConnections("bob", 3),
      new NodePresence.UserConnections("alice", 1)), 30_000), 2)).isEqualTo(PresenceTracker.Change.MEMBERS);
    assertThat(tracker.updateLocal(Map.of("alice", 2, "carol", 1))).isEqualTo(PresenceTracker.Change.MEMBERS);
    assertThat(tracker.updateLocal(Map.of("alice", 2))).isEqualTo(PresenceTracker.Change.MEMBERS);
    assertThat(tracker.view()).containsExactly(
      new PresenceEntry("alice", List.of("node-8080", "node-8081"), 3),
      new PresenceEntry("bob", List.of("node-8081"), 3));
  }
}
