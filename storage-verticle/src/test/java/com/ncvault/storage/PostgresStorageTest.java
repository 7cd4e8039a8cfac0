package com.ncvault.storage;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;

/** The same storage behaviour on PostgreSQL, in a database created for this class and dropped after. */
class PostgresStorageTest extends StorageBehaviour {

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
}
