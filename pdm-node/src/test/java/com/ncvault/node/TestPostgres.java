package com.ncvault.node;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

import java.util.UUID;

/**
 * A fresh PostgreSQL database for one test class on the server at 127.0.0.1:5432 (trust auth),
 * dropped afterwards.
 */
public final class TestPostgres {

  public static final String ADMIN_URI = "postgresql://postgres@127.0.0.1:5432/postgres";

  private final Vertx vertx;
  private final String name;

  private TestPostgres(Vertx vertx, String name) {
    this.vertx = vertx;
    this.name = name;
  }

  public static Future<TestPostgres> create(Vertx vertx) {
    String name = "ncvault_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    return withAdmin(vertx, pool -> pool.query("CREATE DATABASE " + name).execute())
      .map(v -> new TestPostgres(vertx, name));
  }

  /** The URI the nodes use (pgUri). */
  /** The configuration of a node named {@code name} on this database, in a cluster of {@code secret}. */
  public JsonObject nodeConfig(String name, String secret) {
    return new JsonObject()
      .put(ConfigKeys.DB_KIND, "postgres")
      .put(ConfigKeys.PG_URI, uri())
      .put(ConfigKeys.NODE_NAME, name)
      .put(ConfigKeys.CLUSTER_SECRET, secret);
  }

  public String uri() {
    return "postgresql://postgres@127.0.0.1:5432/" + name;
  }

  public Future<Void> drop() {
    return withAdmin(vertx, pool -> pool.query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)").execute());
  }

  private static Future<Void> withAdmin(Vertx vertx, java.util.function.Function<Pool, Future<?>> work) {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
      .connectingTo(PgConnectOptions.fromUri(ADMIN_URI)).using(vertx).build();
    return work.apply(pool).<Void>mapEmpty().eventually(pool::close);
  }
}
