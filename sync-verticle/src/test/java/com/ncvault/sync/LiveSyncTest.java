package com.ncvault.sync;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.EventTypes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 20, timeUnit = TimeUnit.SECONDS)
class LiveSyncTest {

  private static final String FILE = "1234567.mcam";

  @Test
  void bobSeesAlicesCheckoutAsFileLockedNamingHer(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connectReady("bob").compose(bob -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
      return bob.awaitActivity(2).map(bob);
    })).onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
      List<JsonObject> messages = bob.messages();
      JsonObject locked = bob.ofType("FILE_LOCKED").get(0);
      assertThat(locked.getLong("seq")).isEqualTo(2);
      assertThat(locked.getJsonObject("payload").getString("user")).isEqualTo("alice");
      assertThat(locked.getJsonObject("payload").getJsonObject("file").getString("lockedBy")).isEqualTo("alice");
      assertThat(locked.getJsonObject("payload").getJsonObject("file").getString("status")).isEqualTo("locked");
      assertThat(messages.stream().filter(m -> m.containsKey("seq")).map(m -> m.getString("type") + "@" + m.getLong("seq")))
        .containsExactly("FILE_LIST_UPDATED@0", "FILE_ADDED@1", "ACTIVITY@1", "FILE_LOCKED@2", "ACTIVITY@2");
      ctx.completeNow();
    })));
  }

  @Test
  void theSeedClientSeesTheLockInACoalescedFileList(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      return node.connect("carol", 1, null).compose(seed -> seed.await(m -> "FILE_LIST_UPDATED".equals(m.getString("type"))
        && m.getLong("seq") == 1).map(first -> {
          // a burst: 50 changes as fast as storage publishes them, the last one a checkout by alice
          for (int i = 0; i < 24; i++) {
            node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "bob");
            node.storage.commitAndPublish(EventTypes.CANCEL, FILE, "bob");
          }
          node.storage.commitAndPublish(EventTypes.CREATE, "other.nc", "bob");
          node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
          return seed;
        })).compose(seed -> seed.await(m -> m.getLong("seq", 0L) == 51).map(seed));
    }).onComplete(ctx.succeeding(seed -> ctx.verify(() -> {
      List<JsonObject> snapshots = seed.ofType("FILE_LIST_UPDATED");
      assertThat(seed.messages()).allMatch(m -> !m.getString("type").startsWith("FILE_") || m.getString("type").equals("FILE_LIST_UPDATED"));
      assertThat(snapshots.size()).as("snapshots for a burst of 50 events").isBetween(2, 10);
      assertThat(snapshots).extracting(m -> m.getLong("seq")).isSorted();
      JsonObject last = snapshots.get(snapshots.size() - 1);
      JsonObject file = last.getJsonObject("payload").getJsonArray("12XXXXX").getJsonObject(0);
      assertThat(file.getString("filename")).isEqualTo(FILE);
      assertThat(file.getString("lockedBy")).isEqualTo("alice");
      assertThat(last.getJsonObject("payload").getJsonArray("Misc")).hasSize(1);
      ctx.completeNow();
    })));
  }

  @Test
  void aClientThatReconnectsWithSinceGetsEveryMissedEventOnceAndInOrder(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connectReady("bob").compose(bob -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      return bob.awaitActivity(1).compose(seen -> bob.socket.close()).map(v -> {
        for (int i = 0; i < 50; i++) {
          node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
          node.storage.commitAndPublish(EventTypes.CHECKIN, FILE, "alice");
        }
        return bob.activitySeqs().get(bob.activitySeqs().size() - 1);
      });
    }).compose(lastSeen -> node.connect("bob", 2, lastSeen)).compose(bob -> {
      // live events go on while bob catches up
      node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "carol");
      return bob.awaitActivity(102).map(bob);
    }).map(bob -> {
      // recent history is replayed from the node's memory: no storage query per reconnect
      assertThat(node.storage.eventReads.get()).isZero();
      return bob;
    })).onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
      assertThat(bob.activitySeqs()).containsExactlyElementsOf(LongStream.rangeClosed(2, 102).boxed().toList());
      assertThat(bob.ofType("FILE_LIST_UPDATED")).isEmpty();
      List<String> perSeq = new ArrayList<>();
      bob.messages().stream().filter(m -> m.getLong("seq", 0L) == 3).forEach(m -> perSeq.add(m.getString("type")));
      assertThat(perSeq).containsExactly("REVISION_ADDED", "FILE_UNLOCKED", "ACTIVITY");
      ctx.completeNow();
    })));
  }

  @Test
  void historyOlderThanTheNodesMemoryIsReplayedFromStoragePageByPage(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.undeploySync().compose(v -> {
      // 1,200 changes made while this node's sync was down
      node.storage.commit(EventTypes.CREATE, FILE, "alice");
      for (int i = 0; i < 600; i++) {
        node.storage.commit(EventTypes.CHECKOUT, FILE, "alice");
        node.storage.commit(EventTypes.CANCEL, FILE, "alice");
      }
      return node.deploySync();
    }).compose(v -> node.connect("bob", 2, 3L)).compose(bob -> {
      node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "carol");
      return bob.awaitActivity(1202).map(bob);
    }).map(bob -> {
      assertThat(node.storage.eventReads.get()).isEqualTo(3);
      return bob;
    })).onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
      assertThat(bob.activitySeqs()).containsExactlyElementsOf(LongStream.rangeClosed(4, 1202).boxed().toList());
      assertThat(bob.ofType("FILE_LIST_UPDATED")).isEmpty();
      ctx.completeNow();
    })));
  }

  @Test
  void eventsPublishedOutOfOrderReachClientsInOrder(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connectReady("bob").compose(bob -> {
      List<DomainEvent> events = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        events.add(node.storage.commit(i == 0 ? EventTypes.CREATE : EventTypes.CHECKOUT, FILE, "alice"));
      }
      for (int index : new int[] {0, 1, 4, 2, 3, 3, 1}) {
        node.storage.publish(events.get(index));
      }
      return bob.awaitActivity(5).map(bob);
    })).onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
      assertThat(bob.activitySeqs()).containsExactly(1L, 2L, 3L, 4L, 5L);
      ctx.completeNow();
    })));
  }

  @Test
  void anEventThatIsNeverPublishedIsReadFromStorageAfterTheGapWait(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.connectReady("bob").compose(bob -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      node.storage.commit(EventTypes.CHECKOUT, FILE, "alice");
      node.storage.commitAndPublish(EventTypes.CANCEL, FILE, "alice");
      return bob.awaitActivity(3).map(bob);
    }).map(bob -> {
      assertThat(node.storage.eventReads.get()).isGreaterThanOrEqualTo(1);
      return bob;
    })).onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
      assertThat(bob.activitySeqs()).containsExactly(1L, 2L, 3L);
      assertThat(bob.ofType("FILE_LOCKED")).hasSize(1);
      ctx.completeNow();
    })));
  }

  @Test
  void aClientWhoseHistoryIsNoLongerKeptGetsASnapshot(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.undeploySync().compose(v -> {
      node.storage.commit(EventTypes.CREATE, FILE, "alice");
      for (int i = 0; i < 5; i++) {
        node.storage.commit(EventTypes.CHECKOUT, FILE, "alice");
        node.storage.commit(EventTypes.CANCEL, FILE, "alice");
      }
      node.storage.forgetBefore(8);
      return node.deploySync();
    }).compose(v -> node.connect("bob", 2, 2L)).compose(bob -> bob.awaitType("FILE_LIST_UPDATED").map(snapshot -> {
      node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "carol");
      return bob;
    })).compose(bob -> bob.awaitActivity(12).map(bob))).onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
      JsonObject snapshot = bob.ofType("FILE_LIST_UPDATED").get(0);
      assertThat(snapshot.getLong("seq")).isEqualTo(11);
      assertThat(bob.activitySeqs()).containsExactly(12L);
      ctx.completeNow();
    })));
  }

  @Test
  void aClientThatMissedVeryManyEventsGetsASnapshotInsteadOfAReplay(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.undeploySync().compose(v -> {
      node.storage.commit(EventTypes.CREATE, FILE, "alice");
      for (int i = 0; i < ClientStream.MAX_REPLAY; i++) {
        node.storage.commit(i % 2 == 0 ? EventTypes.CHECKOUT : EventTypes.CANCEL, FILE, "alice");
      }
      return node.deploySync();
    }).compose(v -> node.connect("bob", 2, 0L)).compose(bob -> bob.awaitType("FILE_LIST_UPDATED").map(bob)))
      .onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
        assertThat(bob.ofType("FILE_LIST_UPDATED").get(0).getLong("seq")).isEqualTo(ClientStream.MAX_REPLAY + 1);
        assertThat(bob.activitySeqs()).isEmpty();
        ctx.completeNow();
      })));
  }

  @Test
  void aClientAheadOfTheServerGetsASnapshot(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      return node.connect("bob", 2, 500L).compose(bob -> bob.awaitType("FILE_LIST_UPDATED"));
    }).onComplete(ctx.succeeding(snapshot -> ctx.verify(() -> {
      assertThat(snapshot.getLong("seq")).isEqualTo(1);
      JsonArray files = snapshot.getJsonObject("payload").getJsonArray("12XXXXX");
      assertThat(files.getJsonObject(0).getString("filename")).isEqualTo(FILE);
      ctx.completeNow();
    })));
  }

  @Test
  void aDeltaClientWithoutSinceGetsASnapshotThenOnlyNewerDeltas(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      node.storage.commitAndPublish(EventTypes.CHECKOUT, FILE, "alice");
      return node.connectReady("bob").compose(bob -> {
        node.storage.commitAndPublish(EventTypes.CHECKIN, FILE, "alice");
        return bob.awaitActivity(3).map(bob);
      });
    }).onComplete(ctx.succeeding(bob -> ctx.verify(() -> {
      assertThat(bob.ofType("FILE_LIST_UPDATED")).extracting(m -> m.getLong("seq")).containsExactly(2L);
      assertThat(bob.activitySeqs()).containsExactly(3L);
      JsonObject unlocked = bob.ofType("FILE_UNLOCKED").get(0);
      assertThat(unlocked.getJsonObject("payload").getString("reason")).isEqualTo("checkin");
      ctx.completeNow();
    })));
  }

  /**
   * Pages open on both hubs while events stream in bursts: some find the node's cached file list new
   * enough and take it on their own loop, others wait for a newer one. Each gets one list and then
   * every later event once, in order.
   */
  @Test
  @Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
  void pagesOpenedWhileEventsStreamGetTheListAndThenEveryLaterEventOnceInOrder(Vertx vertx, VertxTestContext ctx) {
    int ticks = 240;
    List<io.vertx.core.Future<TestSocket>> pages = new ArrayList<>();
    SyncHarness.start(vertx).compose(node -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      io.vertx.core.Promise<Long> published = io.vertx.core.Promise.promise();
      int[] tick = {0};
      boolean[] locked = {false};
      vertx.setPeriodic(2, id -> {
        int t = ++tick[0];
        // bursts of 0 to 3 events, and a page opened on every third tick
        for (int i = 0; i < t % 4; i++) {
          locked[0] = !locked[0];
          node.storage.commitAndPublish(locked[0] ? EventTypes.CHECKOUT : EventTypes.CANCEL, FILE, "alice");
        }
        if (t % 3 == 0) {
          pages.add(node.connect("viewer" + t, 2, null));
        }
        if (t == ticks) {
          vertx.cancelTimer(id);
          published.complete(node.storage.lastSeq());
        }
      });
      return published.future().compose(last -> io.vertx.core.Future.all(pages)
        .compose(opened -> io.vertx.core.Future.all(pages.stream().map(page -> page.result().await(m ->
          "ACTIVITY".equals(m.getString("type")) && m.getLong("seq").equals(last)
            || "FILE_LIST_UPDATED".equals(m.getString("type")) && m.getLong("seq") >= last)).toList()))
        .map(last));
    }).onComplete(ctx.succeeding(last -> ctx.verify(() -> {
      assertThat(pages).hasSize(ticks / 3);
      for (io.vertx.core.Future<TestSocket> opened : pages) {
        TestSocket page = opened.result();
        List<JsonObject> lists = page.ofType("FILE_LIST_UPDATED");
        assertThat(lists).hasSize(1);
        long listSeq = lists.get(0).getLong("seq");
        assertThat(page.activitySeqs()).as("after the list of seq %d", listSeq)
          .containsExactlyElementsOf(LongStream.rangeClosed(listSeq + 1, last).boxed().toList());
      }
      ctx.completeNow();
    })));
  }

  @Test
  void aSecondSyncVerticleOnTheSameNodeIsRefused(Vertx vertx, VertxTestContext ctx) {
    SyncHarness.start(vertx).compose(node -> node.deploySync())
      .onComplete(ctx.failing(error -> ctx.verify(() -> {
        assertThat(error.getMessage()).contains("one SyncVerticle per node");
        ctx.completeNow();
      })));
  }

}
