package com.ncvault.api;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One line per request on the logger "access": method, path and query (secrets removed), status,
 * bytes sent, duration, username or "-". Headers (Authorization, Cookie) are never logged.
 */
final class AccessLog implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger("access");
  private static final String STARTED = "pdm.access.started";
  private static final String LOGGED = "pdm.access.logged";
  private static final Set<String> SECRET_PARAMS = Set.of("token", "access_token", "password");

  @Override
  public void handle(RoutingContext ctx) {
    ctx.put(STARTED, System.nanoTime());
    ctx.addEndHandler(ended -> log(ctx));
    ctx.next();
  }

  /** Logs the request now (once). */
  static void log(RoutingContext ctx) {
    if (ctx.get(LOGGED) != null) {
      return;
    }
    ctx.put(LOGGED, Boolean.TRUE);
    Long started = ctx.get(STARTED);
    // A request whose client went away before the answer is logged as "closed", not with a status never sent.
    Object status = ctx.response().ended() ? ctx.response().getStatusCode() : "closed";
    log(ctx.request(), status, ctx.response().bytesWritten(), started == null ? System.nanoTime() : started,
      ctx.get(SessionUser.CONTEXT_KEY));
  }

  /** The line of a request served without the router (a WebSocket upgrade: status 101 once handed over). */
  static void log(HttpServerRequest request, Object status, long bytes, long startedNanos, SessionUser user) {
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
    LOG.info("{} {} {} {}B {}ms {}", request.method(), target(request.path(), request.query()),
      status, bytes, millis, user == null ? "-" : user.username());
  }

  static String target(String path, String query) {
    String kept = withoutSecrets(query);
    return kept.isEmpty() ? path : path + "?" + kept;
  }

  /** The query string without token=, access_token= and password= parameters. */
  static String withoutSecrets(String query) {
    if (query == null || query.isEmpty()) {
      return "";
    }
    // a loop rather than a stream: every WebSocket upgrade passes here, a storm 10,000 times
    StringBuilder kept = new StringBuilder(query.length());
    boolean first = true;
    for (String pair : query.split("&")) {
      int equals = pair.indexOf('=');
      if (isSecret(equals < 0 ? pair : pair.substring(0, equals))) {
        continue;
      }
      if (!first) {
        kept.append('&');
      }
      kept.append(pair);
      first = false;
    }
    return kept.toString();
  }

  /** Names are compared decoded, as the server reads them ("tok%65n" is "token"). */
  private static boolean isSecret(String rawName) {
    boolean encoded = rawName.indexOf('%') >= 0 || rawName.indexOf('+') >= 0;
    try {
      String name = encoded ? URLDecoder.decode(rawName, StandardCharsets.UTF_8) : rawName;
      return SECRET_PARAMS.contains(name.toLowerCase(Locale.ROOT));
    } catch (IllegalArgumentException undecodable) {
      return true;
    }
  }
}
