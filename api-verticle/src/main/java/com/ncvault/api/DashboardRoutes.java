package com.ncvault.api;

import com.ncvault.contract.StorageActions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Dashboard numbers, the activity feed and the event log for catch-up. */
final class DashboardRoutes {

  private final StorageClient storage;
  private final long staleLockSeconds;

  DashboardRoutes(StorageClient storage, long staleLockSeconds) {
    this.storage = storage;
    this.staleLockSeconds = staleLockSeconds;
  }

  void stats(RoutingContext ctx) {
    answer(ctx, StorageActions.DASHBOARD_STATS, new JsonObject().put("staleSeconds", staleLockSeconds));
  }

  void activity(RoutingContext ctx) {
    JsonObject query = new JsonObject()
      .put("limit", Input.queryInt(ctx, "limit", 50, 1, 500))
      .put("offset", Input.queryInt(ctx, "offset", 0, 0, Integer.MAX_VALUE));
    String user = Input.queryString(ctx, "user", 100);
    String type = Input.queryString(ctx, "type", 40);
    if (user != null) {
      query.put("user", user);
    }
    if (type != null) {
      query.put("type", type);
    }
    answer(ctx, StorageActions.ACTIVITY_LIST, query);
  }

  void events(RoutingContext ctx) {
    JsonObject query = new JsonObject()
      .put("since", Input.queryLong(ctx, "since", 0, 0))
      .put("limit", Input.queryInt(ctx, "limit", 1000, 1, 10_000));
    answer(ctx, StorageActions.EVENTS_SINCE, query);
  }

  private void answer(RoutingContext ctx, String action, JsonObject request) {
    storage.call(action, request).onSuccess(reply -> Replies.json(ctx, reply)).onFailure(ctx::fail);
  }
}
