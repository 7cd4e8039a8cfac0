package com.ncvault.api;

import com.ncvault.contract.Roles;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.ActivityQuery;
import com.ncvault.contract.StorageApi.DashboardQuery;
import com.ncvault.contract.StorageApi.EventsQuery;
import com.ncvault.contract.StorageLimits;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;

/** Dashboard numbers, the activity feed and the event log for catch-up. */
final class DashboardRoutes {

  private final StorageApi storage;
  private final long staleLockSeconds;

  DashboardRoutes(StorageApi storage, long staleLockSeconds) {
    this.storage = storage;
    this.staleLockSeconds = staleLockSeconds;
  }

  void stats(RoutingContext ctx) {
    answer(ctx, storage.dashboard(new DashboardQuery(staleLockSeconds)));
  }

  void activity(RoutingContext ctx) {
    ActivityQuery query = new ActivityQuery(
      Input.queryInt(ctx, "limit", StorageLimits.DEFAULT_ACTIVITY_LIMIT, 1, StorageLimits.MAX_ACTIVITY_LIMIT),
      Input.queryInt(ctx, "offset", 0, 0, Integer.MAX_VALUE),
      Input.queryString(ctx, "user", StorageLimits.MAX_USERNAME_INPUT),
      Input.queryString(ctx, "type", 40), !isAdmin(ctx));
    answer(ctx, storage.activity(query));
  }

  void events(RoutingContext ctx) {
    EventsQuery query = new EventsQuery(Input.queryLong(ctx, "since", 0, 0),
      Input.queryInt(ctx, "limit", StorageLimits.DEFAULT_EVENTS_LIMIT, 1, StorageLimits.MAX_EVENTS_LIMIT), !isAdmin(ctx));
    answer(ctx, storage.eventsSince(query));
  }

  /** User administration (who was created, deleted, given a role or password) is for admins, as the user list is. */
  private static boolean isAdmin(RoutingContext ctx) {
    return Roles.ADMIN.equals(ApiRouter.user(ctx).role());
  }

  private static void answer(RoutingContext ctx, Future<?> reply) {
    reply.onSuccess(body -> Replies.json(ctx, body)).onFailure(ctx::fail);
  }
}
