package com.ncvault.storage;

import org.junit.jupiter.api.extension.RegisterExtension;
import io.vertx.core.json.JsonObject;

/** The same storage behaviour on PostgreSQL, in a database created for this class and dropped after. */
class PostgresStorageTest extends PersistentStorageBehaviour {

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
}
