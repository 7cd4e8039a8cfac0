package com.ncvault.storage;

import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.jdbcclient.JDBCConnectOptions;
import io.vertx.jdbcclient.JDBCPool;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.Map;
import java.util.function.Function;

/** The SQL pool of the configured kind, its dialect, and the one way statements are run. */
public final class Database {

  private final Pool pool;
  private final Dialect dialect;
  private final String jdbcUrl;
  private final DiskSyncState disk = new DiskSyncState();

  private Database(Pool pool, Dialect dialect, String jdbcUrl) {
    this.pool = pool;
    this.dialect = dialect;
    this.jdbcUrl = jdbcUrl;
  }

  /**
   * H2 goes through vertx-jdbc-client (JDBC calls run on worker threads; connections come from
   * DriverManager, pooled by the Vert.x pool); PostgreSQL through the reactive pg client.
   */
  public static Database open(Vertx vertx, StorageConfig config) {
    PoolOptions poolOptions = new PoolOptions().setMaxSize(config.dbPoolSize());
    if (StorageConfig.POSTGRES.equals(config.dbKind())) {
      // Each connection keeps its prepared statements (up to the client's cache size, least recently used
      // dropped): a statement is parsed and planned once, not before every execution, which also lets a
      // batch's statements go out pipelined without waiting for a parse reply each.
      Pool pool = PgBuilder.pool()
        .with(poolOptions)
        .connectingTo(PgConnectOptions.fromUri(config.pgUri()).setCachePreparedStatements(true))
        .using(vertx)
        .build();
      return new Database(pool, Dialect.POSTGRES, null);
    }
    String url = Dialect.h2Url(config.dataDir());
    JDBCConnectOptions options = new JDBCConnectOptions()
      .setJdbcUrl(url)
      .setUser("sa")
      .setPassword("");
    return new Database(JDBCPool.pool(vertx, options, poolOptions), Dialect.H2, url);
  }

  /** The JDBC URL of the embedded database (H2), or null for PostgreSQL (reactive client only). */
  public String jdbcUrl() {
    return jdbcUrl;
  }

  public Pool pool() {
    return pool;
  }

  public Dialect dialect() {
    return dialect;
  }

  /**
   * Runs {@code work} in one transaction on one pooled connection. On H2 this is not
   * {@code pool.withTransaction}: vertx-jdbc-client 5.0.7 hands the connection back to the pool with
   * auto-commit still off, so the next plain statement on it would stay uncommitted, holding its
   * locks until some later transaction happened to commit it. Auto-commit is restored here.
   */
  public <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
    return transaction(pool, dialect, work);
  }

  static <T> Future<T> transaction(Pool pool, Dialect dialect, Function<SqlConnection, Future<T>> work) {
    if (dialect != Dialect.H2) {
      return againIfStale(() -> pool.withTransaction(work));
    }
    return pool.getConnection().compose(conn -> conn.begin()
      .compose(tx -> work.apply(conn).compose(
        result -> tx.commit().map(result),
        failure -> tx.rollback().<T>transform(rolledBack -> Future.failedFuture(failure))))
      .eventually(() -> conn.query("SET AUTOCOMMIT TRUE").execute().transform(restored -> conn.close())));
  }

  /**
   * Forces what is committed to the disk, for a change made outside {@link GroupCommit} that a caller
   * is told is stored: H2 writes each commit to its file but syncs it only now and then, PostgreSQL
   * syncs its log at every commit already. {@code what}: the change, for the log when the sync fails.
   */
  public Future<Void> syncToDisk(String what) {
    if (dialect != Dialect.H2) {
      return Future.succeededFuture();
    }
    return writable().compose(v -> pool.query(GroupCommit.H2_SYNC).execute().<Void>mapEmpty()
      .onFailure(e -> disk.failed(what, e, System.currentTimeMillis())));
  }

  /** Fails with the refusal (503) once a sync of H2's file has failed: a change is refused before it writes. */
  public Future<Void> writable() {
    PdmError refusal = disk.refusal();
    return refusal == null ? Future.succeededFuture() : Future.failedFuture(refusal);
  }

  /** Whether H2's file is known to be on the disk: after a failed sync the node takes no changes. */
  DiskSyncState disk() {
    return disk;
  }

  public Future<Void> close() {
    return pool.close();
  }

  /**
   * Runs one named-parameter statement (#{name}) on a pool or a connection in a transaction. On a pool,
   * a statement whose cached plan went stale is run again (see {@link #againIfStale}); in a transaction
   * the failure ends the transaction, which {@link #transaction} runs again.
   */
  public static Future<RowSet<Row>> run(SqlClient client, String sql, Map<String, Object> params) {
    if (client instanceof Pool) {
      return againIfStale(() -> SqlTemplate.forQuery(client, sql).execute(params));
    }
    return SqlTemplate.forQuery(client, sql).execute(params);
  }

  /**
   * Most runs of one piece of work while PostgreSQL says a cached statement went stale: each such
   * failure drops the statement from one connection's cache, so the runs needed are at most the pool's
   * connections plus one.
   */
  private static final int STALE_ATTEMPTS = 65;

  /**
   * Runs {@code work} again while it fails because a prepared statement that a PostgreSQL connection
   * cached no longer matches its table: another node (a newer version, during a rolling upgrade)
   * changed the table, and PostgreSQL refuses the old plan ("cached plan must not change result
   * type"). The client drops the statement from that connection's cache on that answer, so the next
   * run prepares it anew.
   */
  static <T> Future<T> againIfStale(java.util.function.Supplier<Future<T>> work) {
    return againIfStale(work, STALE_ATTEMPTS);
  }

  private static <T> Future<T> againIfStale(java.util.function.Supplier<Future<T>> work, int attempts) {
    return work.get().recover(t -> attempts > 1 && isStalePlan(t) ? againIfStale(work, attempts - 1)
      : Future.failedFuture(t));
  }

  /** PostgreSQL's refusal of a cached statement whose table changed under it (see {@link #againIfStale}). */
  static boolean isStalePlan(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof io.vertx.pgclient.PgException e && e.getErrorMessage() != null
        && (e.getErrorMessage().equals("cached plan must not change result type")
        || e.getErrorMessage().matches("bind message has \\d+ result formats but query has \\d+ columns"))) {
        return true;
      }
    }
    return false;
  }
}
