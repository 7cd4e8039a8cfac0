package com.ncvault.sync;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

class SnapshotSharingTest {

  private final List<Promise<Snapshot>> reads = new ArrayList<>();
  private final SnapshotService service = new SnapshotService(() -> {
    Promise<Snapshot> read = Promise.promise();
    reads.add(read);
    return read.future();
  });

  private static Snapshot at(long seq) {
    return new Snapshot(seq, Frame.text("{\"seq\":" + seq + "}"));
  }

  @Test
  void concurrentAsksShareOneRead() {
    Future<Snapshot> a = service.atLeast(3);
    Future<Snapshot> b = service.atLeast(3);
    assertThat(reads).hasSize(1);
    reads.get(0).complete(at(3));
    assertThat(a.result()).isSameAs(b.result());
  }

  @Test
  void aFreshEnoughSnapshotIsServedFromTheCache() {
    service.atLeast(3);
    reads.get(0).complete(at(3));
    assertThat(service.atLeast(3).result().seq()).isEqualTo(3);
    assertThat(reads).hasSize(1);
    service.atLeast(4);
    assertThat(reads).hasSize(2);
  }

  @Test
  void aHubTakesTheCachedSnapshotOnlyWhenItIsNewEnoughAndNeverStartsARead() {
    assertThat(service.cachedAtLeast(0)).as("nothing read yet").isNull();
    assertThat(reads).isEmpty();
    service.atLeast(3);
    reads.get(0).complete(at(3));
    assertThat(service.cachedAtLeast(3).seq()).isEqualTo(3);
    assertThat(service.cachedAtLeast(2).seq()).isEqualTo(3);
    assertThat(service.cachedAtLeast(4)).as("older than what the node delivered").isNull();
    assertThat(reads).hasSize(1);
  }

  @Test
  void anAskDuringARunningReadWaitsForANewerOne() {
    service.atLeast(3);
    Future<Snapshot> later = service.atLeast(5);
    reads.get(0).complete(at(3));
    assertThat(later.isComplete()).isFalse();
    assertThat(reads).hasSize(2);
    reads.get(1).complete(at(5));
    assertThat(later.result().seq()).isEqualTo(5);
  }

  @Test
  void theSeedClientsGetAtMostOneSnapshotPerWindowAndTheLastIsUpToDate() {
    ManualTimers timers = new ManualTimers();
    AtomicLong position = new AtomicLong();
    List<Long> broadcast = new ArrayList<>();
    SnapshotCoalescer coalescer = new SnapshotCoalescer(100, timers,
      min -> Future.succeededFuture(at(position.get())), position::get, s -> broadcast.add(s.seq()));
    for (int i = 1; i <= 50; i++) {
      position.set(i);
      coalescer.changed();
      timers.advance(i % 3 == 0 ? 1 : 0);
    }
    timers.advance(1_000);
    assertThat(broadcast).containsExactly(1L, 50L);
  }
}
