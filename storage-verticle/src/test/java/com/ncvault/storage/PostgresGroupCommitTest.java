package com.ncvault.storage;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Group commit on PostgreSQL, where the database decides every lock for the whole cluster. */
class PostgresGroupCommitTest extends GroupCommitTest {

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
