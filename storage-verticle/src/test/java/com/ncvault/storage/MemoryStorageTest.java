package com.ncvault.storage;

import io.vertx.core.json.JsonObject;

/** The storage behaviour of the in-memory storage that the api and sync tests stand on. */
class MemoryStorageTest extends StorageBehaviour {

  private MemoryStorage memory;

  @Override
  protected JsonObject databaseConfig() {
    return new JsonObject();
  }

  @Override
  void deploy(JsonObject extra) {
    memory = new MemoryStorage(vertx, dataDir, ADMIN_PASSWORD);
    StorageClient.await(memory.bind());
  }

  @Override
  void undeploy() {
    if (memory != null) {
      StorageClient.await(memory.unbind());
      memory = null;
    }
  }
}
