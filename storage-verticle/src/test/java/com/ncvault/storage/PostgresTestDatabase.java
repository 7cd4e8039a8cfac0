package com.ncvault.storage;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.UUID;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A throw-away PostgreSQL database on 127.0.0.1:5432 (user postgres, trust auth) for one test class:
 * register it with {@code @RegisterExtension static final PostgresTestDatabase database = ...}; it is
 * created before the class (which is skipped when PostgreSQL is not reachable) and dropped after.
 */
final class PostgresTestDatabase implements BeforeAllCallback, AfterAllCallback {

  static final String HOST = "127.0.0.1";
  static final int PORT = 5432;

  final String name = "ncvault_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
  private final Vertx vertx = Vertx.vertx();
  private boolean created;

  @Override
  public void beforeAll(ExtensionContext context) {
    Assumptions.assumeTrue(reachable(), "PostgreSQL is not reachable on " + HOST + ":" + PORT);
    create();
    created = true;
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (created) {
      drop();
    } else {
      StorageClient.await(vertx.close());
    }
  }

  static boolean reachable() {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(HOST, PORT), 1000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  String uri() {
    return "postgresql://postgres@" + HOST + ":" + PORT + "/" + name;
  }

  /** The storage configuration that points at this database. */
  JsonObject storageConfig() {
    return new JsonObject().put(ConfigKeys.DB_KIND, "postgres").put(ConfigKeys.PG_URI, uri());
  }

  void create() {
    admin("postgres", "CREATE DATABASE " + name);
  }

  /** Empties the database: a fresh public schema, so migrations run from the start. */
  void reset() {
    admin(name, "DROP SCHEMA public CASCADE");
    admin(name, "CREATE SCHEMA public");
  }

  /** Runs one statement in the test database (to set up a situation the nodes cannot produce). */
  void execute(String sql) {
    admin(name, sql);
  }

  void drop() {
    try {
      admin("postgres", "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
    } finally {
      StorageClient.await(vertx.close());
    }
  }

  private void admin(String database, String sql) {
    Pool pool = PgBuilder.pool()
      .connectingTo(new PgConnectOptions().setHost(HOST).setPort(PORT).setUser("postgres").setDatabase(database))
      .using(vertx)
      .build();
    try {
      StorageClient.await(pool.query(sql).execute());
    } finally {
      StorageClient.await(pool.close());
    }
  }
}
