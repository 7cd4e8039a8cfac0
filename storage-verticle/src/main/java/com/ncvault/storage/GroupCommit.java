package com.ncvault.storage;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.Notification;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.json.JsonObject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Commits the changes of this node together: while one transaction commits, the changes that
 * arrive wait; then all of them run in the next transaction, in arrival order (kept per file; files
 * in name order, so that the batches of two nodes lock rows in the same order), with one disk sync
 * for all. A change that is refused (a {@link PdmError}, decided before it writes anything) is
 * answered alone and the others go on. Every change that succeeded gets its event with the next
 * seq, in commit order, gap-free; callers are answered only after the commit is on the disk (H2
 * writes a commit to its file but syncs it only now and then, so each batch is forced to the disk
 * with H2's {@code CHECKPOINT SYNC}; PostgreSQL syncs its log at every commit), so every 2xx
 * survives a power loss, not only a killed process. When a batch fails as a whole (a deadlock with
 * another node, a constraint), its changes are retried one per transaction, so one change's failure
 * stays its own. Once a sync has failed, no change is run until the node restarts ({@link DiskSyncState}).
 *
 * <p>H2 runs each batch in one blocking task on a thread of its own, over a plain JDBC connection
 * (one thread hop per batch, not per statement), which also publishes the batch's events once it
 * is committed; PostgreSQL runs it on the reactive client, where the database decides every lock
 * across the cluster. Not thread-safe: used from the storage verticle's context.
 */
final class GroupCommit {

  private static final Logger LOG = LoggerFactory.getLogger(GroupCommit.class);
  static final int MAX_BATCH = 128;
  /** Begins every order key that is not a file's name; sorts after every file name. */
  private static final String NOT_A_FILE = "\uffff";
  /** H2's command that forces its file to the disk (an fsync), made once per batch on the commit connection. */
  static final String H2_SYNC = "CHECKPOINT SYNC";

  /** Forces what the commit connection has committed to the disk. */
  @FunctionalInterface
  interface DiskSync {
    void sync(Connection jdbc) throws SQLException;
  }

  /**
   * One change, run in the batch's transaction. It decides a refusal (a failed future with a
   * {@link PdmError}) before it writes anything.
   */
  @FunctionalInterface
  interface Work<T> {
    Future<Outcome<T>> apply(Tx tx);
  }

  /**
   * What a change did: the caller's reply, the event to record (null: none), an optional notification
   * (kept in its recipient's inbox in the same commit, published after the event).
   */
  record Outcome<T>(T reply, PendingEvent event, Notification notification) {
    Outcome(T reply, PendingEvent event) {
      this(reply, event, null);
    }
  }

  /** An event before it has its seq. {@code file} is the file's JSON after the change, or null. */
  record PendingEvent(String type, String filename, String user, long at, String revision, String message,
                      JsonObject details, JsonObject file) {
  }

  private static final class Entry<T> {
    final String orderKey;
    final Work<T> work;
    final Promise<T> promise = Promise.promise();
    final boolean alone;
    Outcome<T> outcome;
    Throwable refusal;

    Entry(String orderKey, Work<T> work, boolean alone) {
      this.orderKey = orderKey;
      this.work = work;
      this.alone = alone;
    }

    Entry<T> retryAlone() {
      Entry<T> again = new Entry<>(orderKey, work, true);
      again.promise.future().onComplete(promise);
      return again;
    }
  }

  private final Vertx vertx;
  private final Database db;
  private final EventLog events;
  private final String jdbcUrl;
  private final WorkerExecutor commitThread;
  private final DiskSync diskSync;
  private final Deque<Entry<?>> queue = new ArrayDeque<>();
  private boolean running;
  private Connection jdbc;
  /** The prepared statements of {@link #jdbc}, by SQL text: each is parsed and planned once per connection. */
  private final Map<String, PreparedStatement> jdbcStatements = new HashMap<>();
  private long batches;
  private long changes;

  GroupCommit(Vertx vertx, Database db, EventLog events) {
    this(vertx, db, events, null);
  }

  /** {@code diskSync}: how a batch's commit is forced to the disk on H2; null for H2's {@link #H2_SYNC}. */
  GroupCommit(Vertx vertx, Database db, EventLog events, DiskSync diskSync) {
    this.vertx = vertx;
    this.db = db;
    this.events = events;
    this.jdbcUrl = db.jdbcUrl();
    this.commitThread = jdbcUrl == null ? null : vertx.createSharedWorkerExecutor("pdm-commit", 1);
    this.diskSync = diskSync != null ? diskSync : this::checkpointSync;
  }

  /** The order key of the changes of something other than a file: {@code kind} "user", "machine"... */
  static String otherKey(String kind, String name) {
    return NOT_A_FILE + kind + ":" + name;
  }

  /**
   * Queues a change on the file {@code orderKey} (or the thing named by an {@link #otherKey});
   * completes with its reply once committed, or with its refusal.
   */
  <T> Future<T> submit(String orderKey, Work<T> work) {
    Entry<T> entry = new Entry<>(orderKey, work, false);
    queue.add(entry);
    if (!running) {
      drain();
    }
    return entry.promise.future();
  }

  /** Changes committed so far and the transactions they took (for metrics and tests). */
  long[] counts() {
    return new long[] {changes, batches};
  }

  private void drain() {
    if (queue.isEmpty()) {
      running = false;
      return;
    }
    PdmError refusal = db.disk().refusal();
    if (refusal != null) {
      // a sync failed: no change is run (DiskSyncState)
      while (!queue.isEmpty()) {
        queue.poll().promise.tryFail(refusal);
      }
      running = false;
      return;
    }
    running = true;
    List<Entry<?>> batch = new ArrayList<>();
    if (queue.peek().alone) {
      batch.add(queue.poll());
    } else {
      while (!queue.isEmpty() && !queue.peek().alone && batch.size() < MAX_BATCH) {
        batch.add(queue.poll());
      }
      // Stable: changes of one file keep their order.
      batch.sort(Comparator.comparing(e -> e.orderKey));
    }
    run(batch).onComplete(done -> {
      if (done.succeeded()) {
        batches++;
        done.result().forEach(this::answer);
      } else if (batch.size() > 1) {
        LOG.debug("A batch of {} changes failed as a whole; each is retried alone", batch.size(), done.cause());
        for (int i = batch.size() - 1; i >= 0; i--) {
          queue.addFirst(batch.get(i).retryAlone());
        }
      } else {
        batch.get(0).promise.tryFail(done.cause());
      }
      drain();
    });
  }

  private <T> void answer(Entry<T> entry) {
    if (entry.refusal != null) {
      entry.promise.tryFail(entry.refusal);
      return;
    }
    changes++;
    entry.promise.tryComplete(entry.outcome.reply());
  }

  /** Runs one batch in one transaction; succeeds with the entries answered (refusals included). */
  private Future<List<Entry<?>>> run(List<Entry<?>> batch) {
    if (jdbcUrl != null) {
      // Published by the commit thread as soon as the commit is on disk: the events go to the sockets
      // without a hop through the storage's event loop first; the callers are answered after them.
      return commitThread.<List<Committed>>executeBlocking(() -> publish(runJdbc(batch)), true).map(GroupCommit::entries);
    }
    return db.inTransaction(conn -> apply(new Tx.Reactive(conn), batch)).map(this::publish).map(GroupCommit::entries);
  }

  /**
   * The entries with their seq-numbered events and the notices they gave (kept in the inbox), ready to
   * be published after the commit.
   */
  private record Committed(Entry<?> entry, JsonObject event, List<Notification> notices) {
  }

  private List<Committed> runJdbc(List<Entry<?>> batch) throws Exception {
    if (jdbc == null || jdbc.isClosed()) {
      jdbc = DriverManager.getConnection(jdbcUrl, "sa", "");
      jdbc.setAutoCommit(false);
      jdbcStatements.clear();
    }
    Future<List<Committed>> applied = apply(new Tx.Jdbc(jdbc, jdbcStatements), batch);
    if (!applied.isComplete()) {
      jdbc.rollback();
      throw new IllegalStateException("A change of a group commit did not run synchronously on JDBC");
    }
    if (applied.failed()) {
      jdbc.rollback();
      throw applied.cause() instanceof Exception e ? e : new IllegalStateException(applied.cause());
    }
    try {
      jdbc.commit();
    } catch (SQLException e) {
      jdbc.rollback();
      throw e;
    }
    List<Committed> committed = applied.result();
    try {
      diskSync.sync(jdbc);
    } catch (SQLException | RuntimeException e) {
      // Committed, so never run again; visible to every reader, so its events still go out. Its callers
      // learn that the disk did not confirm it, as the log does; the node takes no more changes.
      db.disk().failed("a commit of " + committed.size() + " changes", e, System.currentTimeMillis());
      PdmError unsynced = new PdmError(ErrorCode.INTERNAL,
        "The change was saved but the disk did not confirm it; the node's disk needs attention");
      committed.stream().map(Committed::entry).filter(entry -> entry.refusal == null)
        .forEach(entry -> entry.refusal = unsynced);
    }
    return committed;
  }

  /** H2's sync, prepared once for the connection's life like the batches' statements. */
  private void checkpointSync(Connection connection) throws SQLException {
    Future<Integer> synced = new Tx.Jdbc(connection, jdbcStatements).update(H2_SYNC, Map.of());
    if (synced.failed()) {
      throw synced.cause() instanceof SQLException e ? e : new SQLException(synced.cause());
    }
  }

  /**
   * Runs the changes in {@code tx}, then gives the events of those that succeeded their seqs and
   * records them. Fails when a change fails with anything but a refusal.
   *
   * <p>The changes of one file run one after another, in arrival order; the changes of different files
   * run side by side, so on PostgreSQL their statements are pipelined on the one connection instead of
   * each waiting for the reply to the one before it (on JDBC every statement completes at once, so the
   * order is the batch's). Changes keyed by anything but a file (users, machines, transfers) run after
   * all file changes, one after another, as the batch's order already put them.
   */
  private Future<List<Committed>> apply(Tx tx, List<Entry<?>> batch) {
    Map<String, Future<Void>> files = new LinkedHashMap<>();
    List<Entry<?>> others = new ArrayList<>();
    for (Entry<?> entry : batch) {
      // a transaction that failed is run again from the start (Database.transaction)
      entry.outcome = null;
      entry.refusal = null;
      if (entry.orderKey.startsWith(NOT_A_FILE)) {
        others.add(entry);
      } else {
        files.compute(entry.orderKey, (file, before) -> before == null ? applyOne(tx, entry)
          : before.compose(v -> applyOne(tx, entry)));
      }
    }
    return Future.join(new ArrayList<>(files.values()))
      .transform(done -> {
        // the first failure among the files, if any (join waits for all, so nothing is in flight after it)
        for (Future<Void> file : files.values()) {
          if (file.failed()) {
            return Future.<Void>failedFuture(file.cause());
          }
        }
        Future<Void> chain = Future.succeededFuture();
        for (Entry<?> entry : others) {
          chain = chain.compose(v -> applyOne(tx, entry));
        }
        return chain;
      })
      .compose(v -> record(tx, batch));
  }

  private <T> Future<Void> applyOne(Tx tx, Entry<T> entry) {
    Future<Outcome<T>> outcome;
    try {
      outcome = entry.work.apply(tx);
    } catch (RuntimeException e) {
      outcome = Future.failedFuture(e);
    }
    return outcome.transform(done -> {
      if (done.succeeded()) {
        entry.outcome = done.result();
        return Future.succeededFuture();
      }
      if (done.cause() instanceof PdmError refusal) {
        entry.refusal = refusal;
        return Future.succeededFuture();
      }
      return Future.failedFuture(done.cause());
    });
  }

  private Future<List<Committed>> record(Tx tx, List<Entry<?>> batch) {
    List<Entry<?>> withEvents = batch.stream()
      .filter(e -> e.refusal == null && e.outcome != null && e.outcome.event() != null).toList();
    List<Committed> committed = new ArrayList<>();
    batch.stream().filter(e -> !withEvents.contains(e)).forEach(e -> committed.add(new Committed(e, null,
      e.refusal == null && e.outcome != null && e.outcome.notification() != null ? List.of(e.outcome.notification())
        : List.of())));
    if (withEvents.isEmpty()) {
      return keepNotices(tx, committed);
    }
    return tx.row(db.dialect().returning(Sql.ADVANCE_SEQ), Map.of("count", withEvents.size())).compose(counter -> {
      long last = Rows.number(counter.get("current_value"));
      long seq = last - withEvents.size();
      List<Map<String, Object>> rows = new ArrayList<>();
      for (Entry<?> entry : withEvents) {
        seq++;
        PendingEvent p = entry.outcome.event();
        JsonObject event = EventLog.toJson(seq, p.type(), p.filename(), p.user(), FileRow.iso(p.at()), p.revision(),
          p.message(), p.details() == null ? new JsonObject() : p.details(), p.file());
        rows.add(Params.of("seq", seq, "type", p.type(), "filename", p.filename(), "user", p.user(), "now", p.at(),
          "revision", p.revision(), "message", p.message(), "json", event.encode()));
        committed.add(new Committed(entry, event, List.of()));
      }
      return tx.batch(Sql.INSERT_ACTIVITY, rows).compose(v -> events.trim(tx, last)).compose(v -> keepNotices(tx, committed));
    });
  }

  /**
   * Keeps the notices of the committed changes in their recipients' inboxes, in this transaction. The
   * watchers of different files are looked up side by side (pipelined, as the changes were); the
   * notices are kept one after another, so that each inbox keeps them in seq order.
   */
  private Future<List<Committed>> keepNotices(Tx tx, List<Committed> committed) {
    Map<String, Future<?>> files = new LinkedHashMap<>();
    List<Future<List<Notification>>> due = new ArrayList<>(committed.size());
    for (Committed c : committed) {
      if (c.event() == null) {
        due.add(Future.succeededFuture(c.notices()));
        continue;
      }
      Notification direct = c.entry().outcome.notification();
      String file = c.event().getString("filename", "");
      Future<?> before = files.get(file);
      Future<List<Notification>> mine = before == null ? Notices.due(tx, c.event(), direct)
        : before.transform(v -> Notices.due(tx, c.event(), direct));
      files.put(file, mine);
      due.add(mine);
    }
    List<Committed> kept = new ArrayList<>(committed.size());
    return Future.join(new ArrayList<>(due)).transform(looked -> {
      Future<Void> chain = looked.succeeded() ? Future.succeededFuture() : Future.failedFuture(looked.cause());
      for (int i = 0; i < committed.size(); i++) {
        Committed c = committed.get(i);
        Future<List<Notification>> notices = due.get(i);
        chain = chain.compose(v -> Notices.keepAll(tx, db.dialect(), notices.result()))
          .map(k -> {
            kept.add(new Committed(c.entry(), c.event(), k));
            return null;
          });
      }
      return chain.map(v -> kept);
    });
  }

  /**
   * After the commit, before the callers are answered: events published in seq order, each followed
   * by its notices. Runs on the commit thread (H2) or the storage's context (PostgreSQL); it touches
   * nothing but the event bus.
   */
  private List<Committed> publish(List<Committed> committed) {
    committed.stream().filter(c -> c.event() != null)
      .sorted(Comparator.comparingLong(c -> c.event().getLong("seq")))
      .forEach(c -> events.publish(c.event(), c.notices()));
    committed.stream().filter(c -> c.event() == null).forEach(c -> events.publish(null, c.notices()));
    return committed;
  }

  private static List<Entry<?>> entries(List<Committed> committed) {
    return committed.stream().map(Committed::entry).toList();
  }

  Future<Void> close() {
    if (commitThread == null) {
      return Future.succeededFuture();
    }
    return commitThread.<Void>executeBlocking(() -> {
      if (jdbc != null) {
        jdbc.close();
      }
      return null;
    }).eventually(commitThread::close);
  }
}
