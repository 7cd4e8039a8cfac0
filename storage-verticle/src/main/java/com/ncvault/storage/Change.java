package com.ncvault.storage;

import com.ncvault.contract.Notification;
import io.vertx.core.json.JsonObject;

/**
 * The outcome of one committed transaction: the reply for the caller, the domain event to
 * publish, and an optional notification for one user. Published only after the commit.
 */
record Change(JsonObject reply, JsonObject event, Notification notification) {

  Change(JsonObject reply, JsonObject event) {
    this(reply, event, null);
  }
}
