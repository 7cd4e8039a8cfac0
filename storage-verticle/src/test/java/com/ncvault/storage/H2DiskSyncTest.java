package com.ncvault.storage;

import static com.ncvault.storage.StorageClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageActions;
import com.ncvault.contract.StorageApi.Checkout;
import com.ncvault.contract.StorageApi.FileAction;
import com.ncvault.contract.StorageApi.NodeAction;
import com.ncvault.contract.StorageApi.StorageHealth;
import com.ncvault.contract.FileInfo;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * On H2 a commit reaches the database's file at once but the disk only when H2 syncs now and then,
 * so a power loss could take changes that were answered: each batch of the group commit is forced
 * to the disk after its commit, before its events go out and its callers are answered.
 */
class H2DiskSyncTest extends StorageTestBase {

  private static final String DESCRIBE = "UPDATE files SET description = #{description} WHERE filename = #{filename}";

  private final AtomicInteger published = new AtomicInteger();
  private final Handler<DeliveryContext<Object>> countEvents = delivery -> {
    if (Addresses.DOMAIN_EVENTS.equals(delivery.message().address())) {
      published.incrementAndGet();
    }
    delivery.next();
  };
  private Database db;

  @Override
  protected JsonObject databaseConfig() {
    return new JsonObject();
  }

  @AfterEach
  void closeDatabase() {
    vertx.eventBus().removeOutboundInterceptor(countEvents);
    if (db != null) {
      StorageClient.await(db.close());
    }
  }

  @Test
  void everyBatchIsSyncedAfterItsCommitBeforeItsEventsGoOutAndItsCallersAreAnswered() throws Exception {
    for (int i = 0; i < 12; i++) {
      create("s" + i + ".nc", "G21\n" + i, "alice");
    }
    AtomicInteger answered = new AtomicInteger();
    // at each sync: the events published and the callers answered so far
    List<List<Integer>> atSync = Collections.synchronizedList(new ArrayList<>());
    GroupCommit commits = groupCommit(jdbc -> {
      atSync.add(List.of(published.get(), answered.get()));
      jdbc.createStatement().execute(GroupCommit.H2_SYNC);
    });
    vertx.eventBus().addOutboundInterceptor(countEvents);

    List<Future<Integer>> answers = onContext(() -> {
      List<Future<Integer>> all = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        all.add(commits.submit("s" + i + ".nc", describe("s" + i + ".nc", "batch " + i))
          .onComplete(done -> answered.incrementAndGet()));
      }
      return all;
    });
    StorageClient.settle(answers);

    answers.forEach(f -> assertThat(f.succeeded()).as("%s", f.cause()).isTrue());
    long batches = commits.counts()[1];
    assertThat(batches).as("transactions for 12 changes that arrived together").isBetween(1L, 11L);
    assertThat(atSync).as("one sync per transaction").hasSize((int) batches);
    // at each sync, everything of the batches before it has gone out and nothing of its own
    for (List<Integer> seen : atSync) {
      assertThat(seen.get(0)).as("events published against callers answered at a sync").isEqualTo(seen.get(1));
    }
    assertThat(published.get()).isEqualTo(12);
    assertThat(answered.get()).isEqualTo(12);
  }

  @Test
  void aChangeWhoseSyncFailsIsNeitherRunAgainNorHiddenAndItsCallerIsToldTheDiskDidNotConfirmIt() throws Exception {
    create("d.nc", "G21\n", "alice");
    AtomicInteger runs = new AtomicInteger();
    GroupCommit commits = groupCommit(jdbc -> {
      throw new SQLException("No space left on device");
    });
    vertx.eventBus().addOutboundInterceptor(countEvents);

    List<Future<Integer>> answer = onContext(() -> List.of(commits.submit("d.nc", tx -> {
      runs.incrementAndGet();
      return describe("d.nc", "after the failed sync").apply(tx);
    })));
    StorageClient.settle(answer);

    PdmError error = StorageClient.failure(answer.get(0), "a change whose sync failed");
    assertError(error, 500, "internal_error");
    assertThat(error.getMessage()).contains("saved").contains("disk did not confirm");
    assertThat(runs.get()).as("runs of the change").isEqualTo(1);
    assertThat(published.get()).as("events published").isEqualTo(1);
    FileInfo file = StorageClient.await(storage.api().getFile("d.nc"));
    assertThat(file.description()).isEqualTo("after the failed sync");
  }

  /**
   * The storage's own group commit runs H2's command after each commit; were the command refused (it
   * needs the database's admin), the checkout would be answered 500 as above.
   */
  @Test
  void aChangeThroughTheStorageIsAnsweredAfterH2sOwnSyncCommand() {
    create("c.nc", "G21\n", "alice");
    FileInfo locked = StorageClient.await(storage.api().checkout(new Checkout("c.nc", "alice", null, null)));
    assertThat(locked.lockedBy()).isEqualTo("alice");
  }

  /**
   * Linux reports a failed write-back to one sync and then forgets it, so after a failure the node takes
   * no changes until it is restarted, even when a later sync would succeed; reads go on and /health says
   * why the node is down.
   */
  @Test
  void afterASyncFailedTheNodeRefusesChangesUntilRestartedWhileReadsGoOnAndItsHealthSaysSo() {
    create("f.nc", "G21\n", "alice");
    AtomicBoolean failing = new AtomicBoolean();
    AtomicInteger syncs = new AtomicInteger();
    undeploy();
    deploy(new JsonObject(), new StorageVerticle(null, jdbc -> {
      syncs.incrementAndGet();
      if (failing.get()) {
        throw new SQLException("Input/output error");
      }
      jdbc.createStatement().execute(GroupCommit.H2_SYNC);
    }));
    StorageHealth healthy = StorageClient.await(storage.api().health());
    assertThat(healthy.diskSync()).isEqualTo(StorageHealth.DISK_SYNC_OK);
    assertThat(healthy.diskSyncFailedAt()).isNull();

    failing.set(true);
    assertError(storage.failure(StorageActions.FILES_CHECKOUT, new JsonObject().put("filename", "f.nc")
      .put("user", "alice")), 500, "internal_error");
    failing.set(false);
    long seq = latestSeq();
    int syncsAfterFailure = syncs.get();

    PdmError cancel = storage.failure(StorageActions.FILES_CANCEL, new JsonObject().put("filename", "f.nc")
      .put("user", "alice"));
    assertError(cancel, 503, "unavailable");
    assertThat(cancel.getMessage()).contains("did not confirm a write").contains("until it is restarted");
    assertError(storage.failure(StorageActions.FILES_CREATE, new JsonObject().put("filename", "g.nc")
      .put("description", "Program g.nc").put("user", "alice").put("staged", stage("G20\n"))), 503, "unavailable");
    // a write made outside the group commit is refused as well (before it would be a 404: no such node)
    assertError(StorageClient.failure(storage.api().reinstateNode(new NodeAction("node-z", ADMIN)),
      "a reinstatement after a failed sync"), 503, "unavailable");
    assertThat(syncs.get()).as("syncs after the failure").isEqualTo(syncsAfterFailure);
    assertThat(latestSeq()).as("seq after the refusals").isEqualTo(seq);
    FileInfo file = StorageClient.await(storage.api().getFile("f.nc"));
    assertThat(file.lockedBy()).as("the checkout, saved before its sync failed, stands").isEqualTo("alice");
    assertError(storage.failure(StorageActions.FILES_GET, new JsonObject().put("filename", "g.nc")), 404, "not_found");

    PdmError down = StorageClient.failure(storage.api().health(), "health after a failed sync");
    assertError(down, 503, "unavailable");
    assertThat(down.details().getString("database")).isEqualTo("up");
    assertThat(down.details().getString("diskSync")).isEqualTo(StorageHealth.DISK_SYNC_FAILED);
    assertThat(down.details().getString("diskSyncFailedAt")).isNotNull();

    restart(new JsonObject());
    assertThat(StorageClient.await(storage.api().health()).diskSync()).isEqualTo(StorageHealth.DISK_SYNC_OK);
    assertThat(StorageClient.await(storage.api().cancelCheckout(new FileAction("f.nc", "alice", null))).lockedBy())
      .isNull();
  }

  private GroupCommit groupCommit(GroupCommit.DiskSync sync) {
    db = Database.open(vertx, StorageConfig.from(config(new JsonObject())));
    return new GroupCommit(vertx, db, new EventLog(0, vertx.eventBus()), sync);
  }

  private static GroupCommit.Work<Integer> describe(String filename, String description) {
    return tx -> tx.update(DESCRIBE, Map.of("description", description, "filename", filename))
      .map(updated -> new GroupCommit.Outcome<>(updated, new GroupCommit.PendingEvent("file_described", filename,
        "alice", System.currentTimeMillis(), null, description, null, null)));
  }

  /** Runs {@code submit} on one event loop, as the storage verticle uses its group commit. */
  private <T> T onContext(java.util.function.Supplier<T> submit) throws Exception {
    Context context = vertx.getOrCreateContext();
    CompletableFuture<T> submitted = new CompletableFuture<>();
    context.runOnContext(v -> submitted.complete(submit.get()));
    return submitted.get(10, TimeUnit.SECONDS);
  }
}
