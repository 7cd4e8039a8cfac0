package com.ncvault.api;

import com.ncvault.contract.PdmError;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Route;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.StaticHandler;
import java.util.List;
import java.util.Optional;

/** Turns the route table into a Vert.x router: headers and access log, body reading, guard, handler. */
final class ApiRouter {

  /** JSON bodies are small; uploads never go through a BodyHandler. */
  static final long JSON_BODY_LIMIT = 64 * 1024;

  private ApiRouter() {
  }

  static Router create(Vertx vertx, List<ApiRoute> routes, Authenticator authenticator, LfsAuth lfsAuth,
                       SecurityHeaders headers) {
    Router router = Router.router(vertx);
    router.route().handler(headers::handle).handler(new AccessLog());
    BodyHandler jsonBody = BodyHandler.create(false).setBodyLimit(JSON_BODY_LIMIT);
    for (ApiRoute spec : routes) {
      Route route = router.route(spec.method(), spec.path());
      if (spec.body() == ApiRoute.Body.JSON) {
        route.handler(jsonBody);
      }
      if (spec.access() != Access.PUBLIC) {
        route.handler(guard(authenticator, lfsAuth, spec));
      }
      route.handler(spec.handler());
    }
    // Everything outside /api is the browser UI; /api stays JSON-only (unknown API paths get a JSON 404).
    router.routeWithRegex("^/(?!api(/|$)).*").method(HttpMethod.GET).method(HttpMethod.HEAD)
      .handler(ctx -> {
        // The UI's modules have no version in their names: browsers must revalidate them, so an
        // upgraded node is never served with yesterday's scripts.
        ctx.response().putHeader("Cache-Control", "no-cache");
        ctx.next();
      })
      .handler(StaticHandler.create("webroot").setCachingEnabled(false));
    router.route().failureHandler(HttpErrors::handle);
    router.errorHandler(404, HttpErrors::handle);
    router.errorHandler(405, HttpErrors::handle);
    router.errorHandler(500, HttpErrors::handle);
    return router;
  }

  /** Authenticates the caller, then applies the route's access rule (CSRF, least role). */
  private static Handler<RoutingContext> guard(Authenticator authenticator, LfsAuth lfsAuth, ApiRoute spec) {
    boolean queryTokenAllowed = spec.body() == ApiRoute.Body.UPGRADE;
    return ctx -> {
      HttpServerRequest request = ctx.request();
      if (!request.isEnded()) {
        // Streamed bodies must wait for the handler; it resumes the request once it reads.
        request.pause();
      }
      (spec.login() == ApiRoute.Login.GIT ? lfsAuth.authenticate(ctx)
        : authenticator.authenticate(request, queryTokenAllowed))
        .onSuccess(user -> {
          ctx.put(SessionUser.CONTEXT_KEY, user);
          Optional<PdmError> refusal = spec.access().refusal(user, request.method(), request.getHeader(Access.CSRF_HEADER));
          if (refusal.isPresent()) {
            ctx.fail(refusal.get());
          } else {
            ctx.next();
          }
        })
        .onFailure(ctx::fail);
    };
  }

  static SessionUser user(RoutingContext ctx) {
    return ctx.get(SessionUser.CONTEXT_KEY);
  }
}
