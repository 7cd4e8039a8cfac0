package com.ncvault.storage;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Machines on PostgreSQL, in a database created for this class and dropped after. */
class PostgresMachineStoreTest extends MachineStoreBehaviour {

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
