package com.ncvault.storage;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.vertx.core.json.JsonObject;

/** The lock throughput figure on PostgreSQL, for comparison with the embedded default. */
class PostgresLockThroughputTest extends LockThroughputTest {

  @RegisterExtension
  static final PostgresTestDatabase database = new PostgresTestDatabase();

  @Override
  protected JsonObject databaseConfig() {
    return database.storageConfig();
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
