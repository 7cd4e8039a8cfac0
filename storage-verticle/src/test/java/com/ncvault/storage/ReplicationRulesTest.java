package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The plain rules of replication: the copy queue with its retries, and how a node names its URL. */
class ReplicationRulesTest {

  /** A scheduler whose timers fire only when the test says so. */
  private static final class ManualScheduler implements ReplicationQueue.Scheduler {
    final Map<Long, Runnable> tasks = new LinkedHashMap<>();
    final List<Long> delays = new ArrayList<>();
    long next;

    @Override
    public long schedule(long delayMs, Runnable task) {
      delays.add(delayMs);
      tasks.put(++next, task);
      return next;
    }

    @Override
    public void cancel(long id) {
      tasks.remove(id);
    }

    void fireAll() {
      List<Runnable> due = new ArrayList<>(tasks.values());
      tasks.clear();
      due.forEach(Runnable::run);
    }
  }

  private final ManualScheduler scheduler = new ManualScheduler();
  private final List<ReplicationQueue.Job> started = new ArrayList<>();
  private final List<Promise<Void>> copies = new ArrayList<>();
  private final ReplicationQueue queue = new ReplicationQueue(2, 3, scheduler, job -> {
    started.add(job);
    Promise<Void> copy = Promise.promise();
    copies.add(copy);
    return copy.future();
  });

  private static String sha(char c) {
    return String.valueOf(c).repeat(64);
  }

  @Test
  void retriesWaitTwiceAsLongEachTimeUpToAMinute() {
    assertThat(List.of(1, 2, 3, 4, 5, 6, 7, 30).stream().map(ReplicationQueue::retryDelayMs))
      .containsExactly(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 32_000L, 60_000L, 60_000L);
  }

  @Test
  void atMostTwoCopiesRunAtOnceAndTheNextStartsWhenOneEnds() {
    queue.offer(sha('a'), 1);
    queue.offer(sha('b'), 1);
    queue.offer(sha('c'), 1);
    assertThat(started).extracting(ReplicationQueue.Job::sha256).containsExactly(sha('a'), sha('b'));

    copies.get(0).complete();

    assertThat(started).extracting(ReplicationQueue.Job::sha256).containsExactly(sha('a'), sha('b'), sha('c'));
    assertThat(queue.outstanding()).isEqualTo(2);
  }

  @Test
  void aBlobAlreadyQueuedOrRunningIsNotQueuedTwice() {
    assertThat(queue.offer(sha('a'), 1)).isTrue();
    assertThat(queue.offer(sha('a'), 1)).isFalse();
    copies.get(0).complete();
    assertThat(queue.offer(sha('a'), 1)).as("after it was copied it may come again").isTrue();
  }

  @Test
  void aFailedCopyIsRetriedAfterABackoffThenGivenUp() {
    queue.offer(sha('a'), 7);
    copies.get(0).fail("node-a is down");
    assertThat(scheduler.delays).containsExactly(1_000L);
    assertThat(queue.offer(sha('a'), 7)).as("waiting for its retry").isFalse();

    scheduler.fireAll();
    assertThat(started).extracting(ReplicationQueue.Job::attempt).containsExactly(1, 2);
    copies.get(1).fail("node-a is still down");
    assertThat(scheduler.delays).containsExactly(1_000L, 2_000L);

    scheduler.fireAll();
    copies.get(2).fail("still down");

    assertThat(scheduler.tasks).as("three attempts, then given up").isEmpty();
    assertThat(queue.outstanding()).isZero();
    assertThat(queue.offer(sha('a'), 7)).as("a later scan may offer it again").isTrue();
  }

  @Test
  void aCopyThatThrowsCountsAsAFailedAttempt() {
    ReplicationQueue throwing = new ReplicationQueue(1, 2, scheduler, job -> {
      throw new IllegalStateException("broken");
    });
    throwing.offer(sha('a'), 1);
    assertThat(scheduler.delays).containsExactly(1_000L);
    assertThat(throwing.running()).isZero();
  }

  @Test
  void stoppingDropsQueuedCopiesAndPendingRetries() {
    queue.offer(sha('a'), 1);
    queue.offer(sha('b'), 1);
    queue.offer(sha('c'), 1);
    copies.get(0).fail("down");
    assertThat(scheduler.tasks).hasSize(1);

    queue.stop();
    copies.get(1).complete();

    assertThat(scheduler.tasks).isEmpty();
    assertThat(started).as("c started when a failed; nothing starts after stop").hasSize(3);
    assertThat(queue.offer(sha('d'), 1)).isFalse();
  }

  @Test
  void aNodeIsReachedAtItsHttpHostAndPortUnlessAnInternalUrlIsSet() {
    JsonObject config = new JsonObject().put(ConfigKeys.HTTP_HOST, "10.0.0.5").put(ConfigKeys.HTTP_PORT, 8081);
    assertThat(StorageConfig.internalUrl(config)).isEqualTo("http://10.0.0.5:8081");
    assertThat(StorageConfig.internalUrl(config.copy().put(ConfigKeys.INTERNAL_URL, "https://plant-a.example:8443/")))
      .isEqualTo("https://plant-a.example:8443");
  }

  @Test
  void aNodeListeningOnEveryInterfaceIsReachedAtItsClusterHost() {
    JsonObject config = ConfigKeys.defaults().put(ConfigKeys.HTTP_HOST, "0.0.0.0").put(ConfigKeys.HTTP_PORT, 8082)
      .put(ConfigKeys.CLUSTER_HOST, "192.168.1.20");
    assertThat(StorageConfig.internalUrl(config)).isEqualTo("http://192.168.1.20:8082");
    assertThat(StorageConfig.internalUrl(config.put(ConfigKeys.CLUSTER_HOST, "fd00::7")))
      .isEqualTo("http://[fd00::7]:8082");
  }

  @Test
  void aNodeWithTlsIsReachedOverHttps() {
    JsonObject config = ConfigKeys.defaults().put(ConfigKeys.HTTP_HOST, "plant-b.example").put(ConfigKeys.HTTP_PORT, 443)
      .put(ConfigKeys.TLS_CERT, "/etc/ncvault/cert.pem").put(ConfigKeys.TLS_KEY, "/etc/ncvault/key.pem");
    assertThat(StorageConfig.internalUrl(config)).isEqualTo("https://plant-b.example:443");
  }

  @Test
  void aNodeIsNamedAfterItsPortUnlessNamedAndCopiesOnlyWithAClusterSecret() {
    StorageConfig unnamed = StorageConfig.from(new JsonObject().put(ConfigKeys.HTTP_PORT, 8083));
    assertThat(unnamed.nodeName()).isEqualTo("node-8083");
    assertThat(unnamed.replicates()).isFalse();
    StorageConfig named = StorageConfig.from(new JsonObject().put(ConfigKeys.NODE_NAME, "plant-b")
      .put(ConfigKeys.CLUSTER_SECRET, "s3cret"));
    assertThat(named.nodeName()).isEqualTo("plant-b");
    assertThat(named.replicates()).isTrue();
  }
}
