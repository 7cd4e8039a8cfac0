package com.ncvault.storage;

import io.vertx.core.json.JsonObject;

/** Machines on the embedded H2 database. */
class H2MachineStoreTest extends MachineStoreBehaviour {

  @Override
  protected JsonObject databaseConfig() {
    return new JsonObject();
  }
}
