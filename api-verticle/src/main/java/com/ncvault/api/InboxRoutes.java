package com.ncvault.api;

import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.NoticeQuery;
import com.ncvault.contract.StorageApi.ReadNotices;
import com.ncvault.contract.StorageApi.WatchChange;
import com.ncvault.contract.StorageLimits;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The signed-in user's own watches and inbox. Every call acts on the caller's account only: the
 * user comes from the session, never from the request.
 */
final class InboxRoutes {

  static final int DEFAULT_PAGE = 50;

  private final StorageApi storage;

  InboxRoutes(StorageApi storage) {
    this.storage = storage;
  }

  void watches(RoutingContext ctx) {
    answer(ctx, storage.watches(user(ctx)).map(list -> Map.of("watches", list)));
  }

  void watch(RoutingContext ctx) {
    answer(ctx, storage.watch(new WatchChange(user(ctx), filename(ctx))));
  }

  void unwatch(RoutingContext ctx) {
    storage.unwatch(new WatchChange(user(ctx), filename(ctx)))
      .onSuccess(v -> Replies.noContent(ctx)).onFailure(ctx::fail);
  }

  void notices(RoutingContext ctx) {
    long before = Input.queryLong(ctx, "before", 0, 0);
    answer(ctx, storage.notices(new NoticeQuery(user(ctx),
      Input.queryInt(ctx, "limit", DEFAULT_PAGE, 1, StorageLimits.MAX_NOTICES_PAGE), before == 0 ? null : before)));
  }

  /** {ids: [...]} or {all: true}. */
  void read(RoutingContext ctx) {
    JsonObject body = Input.jsonBody(ctx);
    Object all = body.getValue("all");
    if (all != null && !(all instanceof Boolean)) {
      throw Input.invalid("all", "must be true or false");
    }
    Object ids = body.getValue("ids");
    if (ids != null && !(ids instanceof JsonArray)) {
      throw Input.invalid("ids", "must be a list of notice ids");
    }
    List<Long> list = new ArrayList<>();
    if (ids != null) {
      JsonArray array = (JsonArray) ids;
      if (array.size() > StorageLimits.MAX_NOTICES_KEPT) {
        throw Input.invalid("ids", "must name at most " + StorageLimits.MAX_NOTICES_KEPT + " notices");
      }
      for (Object id : array) {
        if (!(id instanceof Number n) || n.longValue() != n.doubleValue() || n.longValue() < 1) {
          throw Input.invalid("ids", "must be a list of notice ids");
        }
        list.add(n.longValue());
      }
    }
    answer(ctx, storage.readNotices(new ReadNotices(user(ctx), list, Boolean.TRUE.equals(all)))
      .map(unread -> new JsonObject().put("unread", unread)));
  }

  private static String user(RoutingContext ctx) {
    return ApiRouter.user(ctx).username();
  }

  private static String filename(RoutingContext ctx) {
    return StorageLimits.filename(ctx.pathParam("filename"));
  }

  private static void answer(RoutingContext ctx, Future<?> reply) {
    reply.onSuccess(body -> Replies.json(ctx, body)).onFailure(ctx::fail);
  }
}
