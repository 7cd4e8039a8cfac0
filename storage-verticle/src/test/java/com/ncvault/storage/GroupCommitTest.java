package com.ncvault.storage;

import static com.ncvault.storage.StorageClient.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.DomainEvent;
import com.ncvault.contract.EventTypes;
import com.ncvault.contract.FileInfo;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.Checkout;
import com.ncvault.contract.StorageApi.EventsQuery;
import com.ncvault.contract.StorageApi.FileAction;
import com.ncvault.contract.StorageApi.NoticePage;
import com.ncvault.contract.StorageApi.NoticeQuery;
import com.ncvault.contract.StorageApi.StorageHealth;
import com.ncvault.contract.StorageApi.WatchChange;
import com.ncvault.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.eventbus.DeliveryContext;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * Changes that arrive together are committed together: one transaction for many callers, each
 * caller's refusal its own, seq gap-free in commit order (embedded H2 here, PostgreSQL in the
 * subclass).
 */
class GroupCommitTest extends StorageTestBase {

  @Override
  protected JsonObject databaseConfig() {
    return new JsonObject();
  }

  @Test
  void checkoutsArrivingTogetherShareTransactionsAndEachRefusalStaysItsOwn() {
    StorageApi api = storage.api();
    for (int i = 0; i < 20; i++) {
      create("f" + i + ".nc", "G21\n" + i, "alice");
    }
    checkout("f5.nc", "bob");
    long before = latestSeq();
    StorageHealth start = StorageClient.await(api.health());

    List<Future<FileInfo>> alice = IntStream.range(0, 20)
      .mapToObj(i -> api.checkout(new Checkout("f" + i + ".nc", "alice", null, "batch")))
      .toList();
    List<Future<FileInfo>> unknown = IntStream.range(0, 3)
      .mapToObj(i -> api.checkout(new Checkout("missing" + i + ".nc", "alice", null, null)))
      .toList();
    Future<FileInfo> notHolder = api.cancelCheckout(new FileAction("f7.nc", "carol", null));
    List<Future<?>> all = new ArrayList<>(alice);
    all.addAll(unknown);
    all.add(notHolder);
    StorageClient.settle(all);

    for (int i = 0; i < 20; i++) {
      if (i == 5) {
        PdmError locked = StorageClient.failure(alice.get(i), "checkout of f5.nc");
        assertError(locked, 409, "file_locked");
        assertThat(locked.getMessage()).isEqualTo("File is already locked by bob");
      } else {
        assertThat(alice.get(i).result().lockedBy()).as("f%d.nc", i).isEqualTo("alice");
      }
    }
    unknown.forEach(f -> assertError(StorageClient.failure(f, "unknown checkout"), 404, "not_found"));
    // carol's cancel came after alice's checkout of f7.nc: refused because alice holds it now
    PdmError refused = StorageClient.failure(notHolder, "carol's cancel");
    assertError(refused, 409, "not_lock_holder");
    assertThat(refused.getMessage()).contains("alice");

    List<DomainEvent> events = StorageClient.await(api.eventsSince(new EventsQuery(before, 100))).events();
    assertThat(events).hasSize(19).allSatisfy(e -> assertThat(e.type()).isEqualTo(EventTypes.CHECKOUT));
    assertThat(events.stream().map(DomainEvent::seq).toList())
      .isEqualTo(IntStream.rangeClosed(1, 19).mapToObj(i -> before + i).toList());
    assertThat(latestSeq()).isEqualTo(before + 19);

    StorageHealth end = StorageClient.await(api.health());
    long changes = end.commits() - start.commits();
    long transactions = end.commitTransactions() - start.commitTransactions();
    System.out.printf("Group commit: %d changes in %d transactions%n", changes, transactions);
    assertThat(changes).as("committed changes").isEqualTo(19);
    assertThat(transactions).as("transactions for %d changes that arrived together", changes).isLessThan(changes);
  }
  /**
   * A batch's events are published right after its commit, before any of its callers is answered; on
   * H2 by the commit thread itself, so an event goes to the sockets without waiting for the storage's
   * event loop (PostgreSQL commits on the reactive client, on the storage's event loop).
   */
  @Test
  void eventsArePublishedAfterTheCommitBeforeTheCallersAreAnsweredOnH2ByTheCommitThread() {
    StorageApi api = storage.api();
    for (int i = 0; i < 4; i++) {
      create("p" + i + ".nc", "G21\n" + i, "alice");
    }
    List<Future<FileInfo>> answers = new ArrayList<>();
    List<String> seen = Collections.synchronizedList(new ArrayList<>());
    Handler<DeliveryContext<Object>> interceptor = delivery -> {
      if (Addresses.DOMAIN_EVENTS.equals(delivery.message().address())) {
        JsonObject event = (JsonObject) delivery.body();
        String filename = event.getString("filename");
        boolean answered;
        synchronized (answers) {
          answered = answers.get(Integer.parseInt(filename.substring(1, 2))).isComplete();
        }
        seen.add(filename + (answered ? " after its answer" : "") + " on "
          + Thread.currentThread().getName().replaceAll("-\\d+$", ""));
      }
      delivery.next();
    };
    vertx.eventBus().addOutboundInterceptor(interceptor);
    try {
      synchronized (answers) {
        for (int i = 0; i < 4; i++) {
          answers.add(api.checkout(new Checkout("p" + i + ".nc", "bob", null, null)));
        }
      }
      StorageClient.settle(new ArrayList<>(answers));
    } finally {
      vertx.eventBus().removeOutboundInterceptor(interceptor);
    }
    answers.forEach(f -> assertThat(f.succeeded()).as("%s", f.cause()).isTrue());
    String publisher = databaseConfig().isEmpty() ? "pdm-commit" : "vert.x-eventloop-thread";
    assertThat(seen).containsExactlyInAnyOrder("p0.nc on " + publisher, "p1.nc on " + publisher,
      "p2.nc on " + publisher, "p3.nc on " + publisher);
  }

  @Test
  void changesOfOneFileKeepTheirOrderWhileOtherFilesRunBesideThem() {
    StorageApi api = storage.api();
    for (int i = 0; i < 10; i++) {
      create("g" + i + ".nc", "G21\n" + i, "alice");
    }
    checkout("g0.nc", "alice");
    checkout("g1.nc", "alice");
    StorageClient.await(api.watch(new WatchChange("bob", "g0.nc")));
    StorageClient.await(api.watch(new WatchChange("bob", "g1.nc")));
    long before = latestSeq();
    StorageHealth start = StorageClient.await(api.health());

    // Files g2..g9 are checked out first: the first of them starts a transaction alone, and the rest
    // arrive while it commits. Then carol asks for g0 while alice holds it (a write that changes
    // nothing, then a read to say why), alice frees it, and it is handed on three times; g1 is freed.
    List<Future<FileInfo>> all = new ArrayList<>();
    for (int i = 2; i < 10; i++) {
      all.add(api.checkout(new Checkout("g" + i + ".nc", "dave", null, null)));
    }
    Future<FileInfo> tooEarly = api.checkout(new Checkout("g0.nc", "carol", null, null));
    all.add(api.cancelCheckout(new FileAction("g0.nc", "alice", null)));
    all.add(api.checkout(new Checkout("g0.nc", "erin", null, null)));
    all.add(api.cancelCheckout(new FileAction("g1.nc", "alice", null)));
    all.add(api.cancelCheckout(new FileAction("g0.nc", "erin", null)));
    all.add(api.checkout(new Checkout("g0.nc", "carol", null, null)));
    List<Future<?>> settled = new ArrayList<>(all);
    settled.add(tooEarly);
    StorageClient.settle(settled);
    all.forEach(f -> assertThat(f.succeeded()).as("%s", f.cause()).isTrue());
    PdmError locked = StorageClient.failure(tooEarly, "carol's checkout before alice's cancel");
    assertError(locked, 409, "file_locked");
    assertThat(locked.getMessage()).isEqualTo("File is already locked by alice");

    List<DomainEvent> events = StorageClient.await(api.eventsSince(new EventsQuery(before, 100))).events();
    assertThat(events.stream().map(DomainEvent::seq).toList())
      .isEqualTo(IntStream.rangeClosed(1, 13).mapToObj(i -> before + i).toList());
    assertThat(events.stream().filter(e -> e.filename().equals("g0.nc")).map(e -> e.type() + " " + e.user()))
      .as("g0.nc's changes in the order they were asked for")
      .containsExactly(EventTypes.CANCEL + " alice", EventTypes.CHECKOUT + " erin", EventTypes.CANCEL + " erin",
        EventTypes.CHECKOUT + " carol");
    assertThat(StorageClient.await(api.getFile("g0.nc")).lockedBy()).isEqualTo("carol");

    // the watch of g0.nc ended with the first release: bob is told once per file, by whoever freed it
    NoticePage inbox = StorageClient.await(api.notices(new NoticeQuery("bob", 10, null)));
    assertThat(inbox.notices()).extracting(n -> n.filename() + " from " + n.from())
      .containsExactlyInAnyOrder("g0.nc from alice", "g1.nc from alice");
    assertThat(inbox.unread()).isEqualTo(2);
    assertThat(StorageClient.await(api.watches("bob"))).isEmpty();

    StorageHealth end = StorageClient.await(api.health());
    assertThat(end.commitTransactions() - start.commitTransactions())
      .as("transactions for 13 changes that arrived together").isLessThan(13);
  }
}
