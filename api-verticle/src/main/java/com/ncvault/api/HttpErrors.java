package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.http.HttpClosedException;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.DecodeException;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place where failures become HTTP responses: {@code {"error": {code, message, ...}}} with
 * the status of the error code. Used by the router's failure handler, so a route only has to
 * {@code ctx.fail(error)}; never an HTML page, never a stack trace.
 */
final class HttpErrors {

  private static final Logger LOG = LoggerFactory.getLogger(HttpErrors.class);

  /**
   * How long the rest of a refused request body is read and dropped before the connection is
   * closed: closing at once would make the kernel reset the connection and the client could miss
   * the error response it has not read yet.
   */
  static final long LINGER_MS = 2000;

  private HttpErrors() {
  }

  /** Failure handler of every route and error handler of the router (404, 405, 500). */
  static void handle(RoutingContext ctx) {
    send(ctx, toError(ctx));
  }

  static PdmError toError(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (failure == null) {
      return fromStatus(ctx.statusCode());
    }
    if (failure instanceof PdmError error) {
      return error;
    }
    if (failure instanceof DecodeException) {
      return new PdmError(ErrorCode.INVALID_JSON, "The body is not valid JSON");
    }
    if (failure instanceof ReplyException) {
      PdmError error = PdmError.from(failure);
      if (error.code().status() >= 500) {
        LOG.warn("{} {}: storage answered {}", ctx.request().method(), ctx.request().path(), error.getMessage());
      }
      return error;
    }
    if (failure instanceof HttpException http) {
      return fromStatus(http.getStatusCode());
    }
    if (failure instanceof HttpClosedException) {
      // The client went away mid-request (e.g. while its JSON body was read): nobody to answer, nothing broken here.
      return new PdmError(ErrorCode.BAD_REQUEST, "The client closed the connection");
    }
    int status = ctx.statusCode();
    if (status >= 400 && status < 500) {
      return fromStatus(status);
    }
    LOG.error("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
    return new PdmError(ErrorCode.INTERNAL, "Internal error");
  }

  static PdmError fromStatus(int status) {
    return switch (status) {
      case 400 -> new PdmError(ErrorCode.BAD_REQUEST, "Bad request");
      case 401 -> new PdmError(ErrorCode.UNAUTHENTICATED, "Login required");
      case 403 -> new PdmError(ErrorCode.FORBIDDEN, "Not allowed");
      case 404 -> new PdmError(ErrorCode.NOT_FOUND, "No such resource");
      case 405 -> new PdmError(ErrorCode.METHOD_NOT_ALLOWED, "Method not allowed here");
      case 413 -> new PdmError(ErrorCode.PAYLOAD_TOO_LARGE, "Request body too large");
      case 414 -> new PdmError(ErrorCode.URI_TOO_LONG, "Request line too long");
      case 415 -> new PdmError(ErrorCode.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type");
      case 416 -> new PdmError(ErrorCode.RANGE_NOT_SATISFIABLE, "Range not satisfiable");
      case 429 -> new PdmError(ErrorCode.TOO_MANY_REQUESTS, "Too many requests");
      case 431 -> new PdmError(ErrorCode.HEADERS_TOO_LARGE, "Request headers too large");
      case 503 -> new PdmError(ErrorCode.UNAVAILABLE, "Service unavailable");
      default -> status >= 400 && status < 500
        ? new PdmError(ErrorCode.BAD_REQUEST, "Bad request")
        : new PdmError(ErrorCode.INTERNAL, "Internal error");
    };
  }

  /** Writes the error unless a response is already under way (then the connection is closed). */
  static void send(RoutingContext ctx, PdmError error) {
    send(ctx.vertx(), ctx.request(), error);
  }

  /** The same for a request served without the router (a WebSocket upgrade). */
  static void send(Vertx vertx, HttpServerRequest request, PdmError error) {
    HttpServerResponse response = request.response();
    if (response.ended() || response.closed()) {
      return;
    }
    if (response.headWritten()) {
      request.connection().close();
      return;
    }
    boolean bodyUnread = !request.isEnded();
    // Git LFS clients print the top-level "message" and ask git for a password after a Basic challenge.
    boolean lfs = request.path() != null && request.path().startsWith(LfsRoutes.PREFIX + "/");
    JsonObject body = error.toHttpBody();
    if (lfs) {
      body.put("message", error.getMessage());
      if (error.code() == ErrorCode.UNAUTHENTICATED) {
        response.putHeader("WWW-Authenticate", LfsAuth.CHALLENGE);
      }
    }
    response.setStatusCode(error.code().status())
      .putHeader(HttpHeaders.CONTENT_TYPE, lfs ? LfsRoutes.MEDIA_TYPE : Replies.JSON)
      .putHeader(HttpHeaders.CACHE_CONTROL, "no-store");
    Object retryAfter = error.details().getValue("retryAfterSeconds");
    if (retryAfter != null) {
      response.putHeader(HttpHeaders.RETRY_AFTER, String.valueOf(retryAfter));
    }
    if (bodyUnread) {
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    response.end(body.toBuffer());
    if (bodyUnread) {
      discardThenClose(vertx, request);
    }
  }

  /** Reads and drops what the client still sends (bounded by {@link #LINGER_MS}), then closes. */
  static void discardThenClose(Vertx vertx, HttpServerRequest request) {
    HttpConnection connection = request.connection();
    long timer = vertx.setTimer(LINGER_MS, id -> connection.close());
    try {
      request.handler(data -> { })
        .endHandler(v -> {
          vertx.cancelTimer(timer);
          connection.close();
        })
        .resume();
    } catch (IllegalStateException alreadyEnded) {
      vertx.cancelTimer(timer);
      connection.close();
    }
  }
}
