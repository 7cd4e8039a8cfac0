package com.ncvault.api;

import io.vertx.core.json.Json;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;

/** Successful JSON responses. Errors go through {@link HttpErrors}. */
final class Replies {

  static final String JSON = "application/json; charset=utf-8";

  private Replies() {
  }

  static void json(RoutingContext ctx, Object body) {
    json(ctx, 200, body);
  }

  /** A JsonObject as it is, anything else (the contract's records) through Jackson. */
  static void json(RoutingContext ctx, int status, Object body) {
    ctx.response()
      .setStatusCode(status)
      .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
      .end(body instanceof JsonObject json ? json.toBuffer() : Json.encodeToBuffer(body));
  }

  static void noContent(RoutingContext ctx) {
    ctx.response().setStatusCode(204).end();
  }
}
