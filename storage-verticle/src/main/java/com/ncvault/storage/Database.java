package com.ncvault.storage;

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
import io.vertx.sqlclient.templates.SqlTemplate;
import java.util.Map;

/** The SQL pool of the configured kind, its dialect, and the one way statements are run. */
public final class Database {

  private final Pool pool;
  private final Dialect dialect;

  private Database(Pool pool, Dialect dialect) {
    this.pool = pool;
    this.dialect = dialect;
  }

  /**
   * H2 goes through vertx-jdbc-client (JDBC calls run on worker threads; connections come from
   * DriverManager, pooled by the Vert.x pool); PostgreSQL through the reactive pg client.
   */
  public static Database open(Vertx vertx, StorageConfig config) {
    PoolOptions poolOptions = new PoolOptions().setMaxSize(config.dbPoolSize());
    if (StorageConfig.POSTGRES.equals(config.dbKind())) {
      Pool pool = PgBuilder.pool()
        .with(poolOptions)
        .connectingTo(PgConnectOptions.fromUri(config.pgUri()))
        .using(vertx)
        .build();
      return new Database(pool, Dialect.POSTGRES);
    }
    JDBCConnectOptions options = new JDBCConnectOptions()
      .setJdbcUrl(Dialect.h2Url(config.dataDir()))
      .setUser("sa")
      .setPassword("");
    return new Database(JDBCPool.pool(vertx, options, poolOptions), Dialect.H2);
  }

  public Pool pool() {
    return pool;
  }

  public Dialect dialect() {
    return dialect;
  }

  public Future<Void> close() {
    return pool.close();
  }

  /** Runs one named-parameter statement (#{name}) on a pool or a connection in a transaction. */
  public static Future<RowSet<Row>> run(SqlClient client, String sql, Map<String, Object> params) {
    return SqlTemplate.forQuery(client, sql).execute(params);
  }
}
