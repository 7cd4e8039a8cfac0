package com.ncvault.storage;

import org.junit.jupiter.api.extension.RegisterExtension;
import com.ncvault.contract.ConfigKeys;
import io.vertx.core.json.JsonObject;

/** The same storage behaviour on PostgreSQL, in a database created for this class and dropped after. */
class PostgresStorageTest extends StorageBehaviour {

  @RegisterExtension
  static final PostgresTestDatabase database = new PostgresTestDatabase();

  @Override
  protected JsonObject databaseConfig() {
    return new JsonObject().put(ConfigKeys.DB_KIND, "postgres").put(ConfigKeys.PG_URI, database.uri());
  }

  @Override
  protected void resetDatabase() {
    database.reset();
  }
}
