package com.ncvault.storage;

import io.vertx.core.json.JsonObject;

/** The storage behaviour on the embedded H2 database (the default). */
class H2StorageTest extends PersistentStorageBehaviour {

  @Override
  protected JsonObject databaseConfig() {
    return new JsonObject();
  }
}
