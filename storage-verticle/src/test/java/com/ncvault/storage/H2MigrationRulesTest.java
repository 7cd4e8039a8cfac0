package com.ncvault.storage;

import io.vertx.core.json.JsonObject;

/** The migration rules on the embedded H2 database. */
class H2MigrationRulesTest extends MigrationRulesBehaviour {

  @Override
  protected JsonObject databaseConfig() {
    return new JsonObject();
  }
}
