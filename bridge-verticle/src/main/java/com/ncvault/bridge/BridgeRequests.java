package com.ncvault.bridge;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageActions;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageJson;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.Set;

/**
 * The read-only questions a bridge client may ask, in JSON (the bridge's wire format), answered
 * through the storage contract's JSON face. The acting user is the token's, never the client's word.
 */
final class BridgeRequests {

  static final Set<String> READ_ACTIONS = Set.of(StorageActions.FILES_LIST, StorageActions.FILES_GET,
    StorageActions.FILES_HISTORY, StorageActions.EVENTS_SINCE, StorageActions.EVENTS_LATEST);

  private final StorageApi storage;

  BridgeRequests(StorageApi storage) {
    this.storage = storage;
  }

  /** The JSON reply to {@code action} asked by {@code user}; a PdmError for a refused or malformed one. */
  Future<JsonObject> answer(String action, JsonObject body, String user) {
    if (!READ_ACTIONS.contains(action)) {
      return Future.failedFuture(new PdmError(ErrorCode.FORBIDDEN, "Action not offered on the bridge: " + action));
    }
    JsonObject request = body == null ? new JsonObject() : body.copy();
    // No replica locations and no deleted files for bridge clients; the user is the verified one.
    request.remove("replicas");
    request.remove("includeDeleted");
    return StorageJson.call(storage, action, request.put("user", user));
  }
}
