package com.ncvault.storage;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.MVStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps H2's file from growing without end under a stream of changes. H2 writes each commit as a new
 * chunk at the end of its file or in space freed earlier; a chunk's space is freed only once none of
 * its pages is live any more and H2's retention time (45 s) has passed. Most pages of a commit's chunk
 * are replaced by later commits, but a few (a row or an index page that no later change touched) stay
 * live and hold the whole chunk. H2 rewrites such chunks' live pages in its background writer, which it
 * runs only with a write delay; the node runs H2 with none ({@link Dialect#h2Url}), so without this the
 * file grew by about 9 MB a second under one client's checkouts and cancels (3.8 GB for 74 MB of data
 * after 7 minutes) and never gave the space back.
 *
 * <p>Every {@link #INTERVAL_MS}, when changes were committed since the last round, this asks H2 to
 * rewrite the live pages of its sparsest chunks older than the retention time, as H2's own background
 * writer would: {@link #WRITE_PER_CHUNK} bytes for each chunk written since the last round (a chunk
 * leaves a page or two live behind it), at most {@link #WRITE_LIMIT} a round. The rewritten pages go to the file with the next commit, which the group commit syncs; the old
 * chunks stay readable until the retention time has passed, as every replaced chunk does, so a crash at
 * any moment finds the last synced commit whole. The file then levels off at the live data plus what
 * the changes of one retention time write (measured in docs/storage.md), and a quiet node does no
 * rounds. Rounds run on a thread of their own and take H2's store lock for a few milliseconds, during
 * which a commit waits; the pages they rewrite are written by the next commit.
 */
final class H2Housekeeping {

  private static final Logger LOG = LoggerFactory.getLogger(H2Housekeeping.class);

  /** How often a round runs. */
  static final long INTERVAL_MS = 500;
  /** The most bytes of live pages one round rewrites: short rounds, so a commit never waits long. */
  static final int WRITE_LIMIT = 4 << 20;
  /** Bytes of live pages rewritten per chunk written since the last round. */
  static final int WRITE_PER_CHUNK = 8 << 10;
  /**
   * A round rewrites only while the live share of the file's chunks is below this (percent); H2's own
   * background writer aims at 81 % under load.
   */
  static final int TARGET_FILL_RATE = 80;

  private final Vertx vertx;
  private final String jdbcUrl;
  private final WorkerExecutor thread;
  private Connection connection;
  private MVStore store;
  private long timer = -1;
  private boolean running;
  private boolean failing;
  private volatile long fileBytes;
  private long lastVersion;
  private volatile long rounds;
  private volatile long rewrites;

  H2Housekeeping(Vertx vertx, String jdbcUrl) {
    this.vertx = vertx;
    this.jdbcUrl = jdbcUrl;
    this.thread = vertx.createSharedWorkerExecutor("pdm-h2-housekeeping", 1);
  }

  /**
   * Opens a connection of its own to reach H2's store (the database stays open while it is) and starts
   * the rounds.
   */
  Future<Void> start() {
    return thread.<Void>executeBlocking(() -> {
      connection = DriverManager.getConnection(jdbcUrl, "sa", "");
      SessionLocal session = (SessionLocal) connection.unwrap(JdbcConnection.class).getSession();
      store = session.getDatabase().getStore().getMvStore();
      fileBytes = store.getFileStore().size();
      lastVersion = store.getCurrentVersion();
      return null;
    }, false).onSuccess(v -> timer = vertx.setPeriodic(INTERVAL_MS, id -> round()));
  }

  /** One round, unless the last one still runs. */
  private void round() {
    if (running) {
      return;
    }
    running = true;
    thread.<Boolean>executeBlocking(() -> {
      long version = store.isClosed() ? lastVersion : store.getCurrentVersion();
      if (version == lastVersion) {
        return false;
      }
      int limit = (int) Math.min(WRITE_LIMIT, (version - lastVersion) * WRITE_PER_CHUNK);
      lastVersion = version;
      boolean rewrote = store.compact(TARGET_FILL_RATE, limit);
      fileBytes = store.getFileStore().size();
      return rewrote;
    }, false).onComplete(done -> {
      running = false;
      rounds++;
      if (done.failed()) {
        // once per spell of failures, not every round
        if (!failing) {
          LOG.warn("Rewriting the sparse chunks of the database file failed; later rounds try again", done.cause());
        }
        failing = true;
        return;
      }
      failing = false;
      if (done.result()) {
        rewrites++;
      }
    });
  }

  /** The database file's size as the last round found it, in bytes. */
  long fileBytes() {
    return fileBytes;
  }

  /** The rounds run and those that rewrote something. */
  long[] counts() {
    return new long[] {rounds, rewrites};
  }

  Future<Void> close() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    return thread.<Void>executeBlocking(() -> {
      if (connection != null) {
        try {
          connection.close();
        } catch (SQLException e) {
          LOG.debug("Closing the housekeeping connection failed", e);
        }
      }
      return null;
    }, false).eventually(thread::close);
  }
}
