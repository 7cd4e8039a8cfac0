package com.ncvault.storage;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The lock throughput figure on PostgreSQL, for comparison with the embedded default. */
class PostgresLockThroughputTest extends LockThroughputTest {

  private static PostgresTestDatabase database;

  @BeforeAll
  static void createDatabase() {
    Assumptions.assumeTrue(PostgresTestDatabase.reachable(), "PostgreSQL is not reachable on 127.0.0.1:5432");
    database = new PostgresTestDatabase();
    database.create();
  }

  @AfterAll
  static void dropDatabase() {
    if (database != null) {
      database.drop();
    }
  }

  @Override
  protected JsonObject databaseConfig() {
    return new JsonObject().put(ConfigKeys.DB_KIND, "postgres").put(ConfigKeys.PG_URI, database.uri());
  }

  @Override
  protected void resetDatabase() {
    database.reset();
  }

  /** Each commit waits for a WAL flush; fewer pairs keep the class fast. */
  @Override
  protected int pairsPerActor() {
    return 125;
  }

  @Override
  protected String label() {
    return "PostgreSQL";
  }
}
