package com.ncvault.api;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.RoutingContext;

/** Headers every response carries, static files and errors included. */
final class SecurityHeaders {

  static final String CONTENT_SECURITY_POLICY = "default-src 'self'; script-src 'self'; style-src 'self'; "
    + "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    + "form-action 'self'; object-src 'none'";

  private SecurityHeaders() {
  }

  static void handle(RoutingContext ctx) {
    String path = ctx.request().path();
    apply(ctx.response().headers(), path == null || !isPage(path));
    ctx.next();
  }

  static void apply(MultiMap headers, boolean noStore) {
    headers
      .set("Content-Security-Policy", CONTENT_SECURITY_POLICY)
      .set("X-Content-Type-Options", "nosniff")
      .set("Referrer-Policy", "no-referrer")
      .set("X-Frame-Options", "DENY");
    if (noStore) {
      headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
    }
  }

  /** Static UI files may be cached; API answers, health and metrics never. */
  private static boolean isPage(String path) {
    return !(path.equals("/api") || path.startsWith("/api/") || path.equals("/health") || path.equals("/metrics"));
  }
}
