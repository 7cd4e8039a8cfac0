package com.ncvault.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** A small HTTP client for the node's REST API, the ws broadcaster and nginx (loopback only). */
final class Http {

  static final String HOST = "127.0.0.1";

  private final Vertx vertx;
  private final HttpClient client;
  private final long deadlineMs;

  Http(Vertx vertx, int poolSize) {
    this(vertx, poolSize, DEADLINE_MS);
  }

  /** A client whose requests (other than transfers) must complete within {@code deadlineMs}. */
  Http(Vertx vertx, int poolSize, long deadlineMs) {
    this.vertx = vertx;
    this.deadlineMs = deadlineMs;
    this.client = vertx.createHttpClient(
      new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true).setMaxInitialLineLength(8192),
      new PoolOptions().setHttp1MaxSize(poolSize).setMaxWaitQueueSize(-1));
  }

  /** A response read in full. */
  record Response(int status, Buffer body) {

    JsonObject json() {
      return body.length() == 0 ? new JsonObject() : new JsonObject(body);
    }

    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  /**
   * Bounds on every request, so a request that gets stuck anywhere fails and is reported instead of
   * holding the run. The connect timeout bounds the wait for a connection from the pool (and the TCP
   * connect); the idle timeout a response that stops sending; the deadline the whole exchange, from
   * asking the pool to the response's last byte, kept by a timer of its own. It is needed beside the
   * other two: in the isolation scenario a request (the cancel sent from a checkout's response
   * callback) once stayed pending for minutes, never reaching the node, with no connection open on
   * either side and neither Vert.x timeout firing.
   */
  static final long CONNECT_TIMEOUT_MS = 10_000;
  static final long IDLE_TIMEOUT_MS = 60_000;
  static final long DEADLINE_MS = 30_000;
  /** Transfers of a large body get longer bounds. */
  static final long TRANSFER_IDLE_TIMEOUT_MS = 120_000;
  static final long TRANSFER_DEADLINE_MS = 600_000;

  private static RequestOptions options(HttpMethod method, int port, String uri) {
    return new RequestOptions().setMethod(method).setHost(HOST).setPort(port).setURI(uri)
      .setConnectTimeout(CONNECT_TIMEOUT_MS).setIdleTimeout(IDLE_TIMEOUT_MS);
  }

  /**
   * Runs one exchange within {@code deadlineMs}. Past it the returned future fails with a
   * {@link TimeoutException} that says what the request was waiting for, and the request, if it
   * exists by then, is reset so its connection is closed rather than returned to the pool half used.
   */
  private <T> Future<T> bounded(RequestOptions options, long deadlineMs, Function<HttpClientRequest, Future<T>> exchange) {
    Promise<T> result = Promise.promise();
    AtomicReference<HttpClientRequest> created = new AtomicReference<>();
    long timer = vertx.setTimer(deadlineMs, id -> {
      HttpClientRequest request = created.get();
      TimeoutException late = new TimeoutException(options.getMethod() + " " + options.getURI() + " on port "
        + options.getPort() + ": no answer within " + deadlineMs + " ms ("
        + (request == null ? "waiting for a connection from the pool" : "request sent, response not complete") + ")");
      if (result.tryFail(late) && request != null) {
        request.reset(0, late);
      }
    });
    client.request(options).onComplete(obtained -> {
      if (obtained.failed()) {
        result.tryFail(obtained.cause());
        return;
      }
      HttpClientRequest request = obtained.result();
      created.set(request);
      if (result.future().isComplete()) {
        request.reset(0, result.future().cause());
        return;
      }
      exchange.apply(request).onComplete(done -> {
        if (done.succeeded()) {
          result.tryComplete(done.result());
        } else {
          result.tryFail(done.cause());
        }
      });
    });
    return result.future().andThen(done -> vertx.cancelTimer(timer));
  }

  Future<Response> send(HttpMethod method, int port, String uri, String token, String contentType, Buffer body) {
    RequestOptions options = options(method, port, uri);
    if (token != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    if (contentType != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    }
    return bounded(options, deadlineMs, request -> (body == null ? request.send() : request.send(body))
      .compose(response -> response.body().map(buffer -> new Response(response.statusCode(), buffer))));
  }

  /** A GET with extra headers (e.g. Accept-Encoding); the body as it came over the wire. */
  Future<Response> get(int port, String uri, String token, java.util.Map<String, String> headers) {
    RequestOptions options = options(HttpMethod.GET, port, uri);
    if (token != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    headers.forEach(options::putHeader);
    return bounded(options, deadlineMs, request -> request.send()
      .compose(response -> response.body().map(buffer -> new Response(response.statusCode(), buffer))));
  }

  /** A JSON request that must succeed (2xx); a failure carries the status and the body. */
  Future<JsonObject> json(HttpMethod method, int port, String uri, String token, JsonObject body) {
    return send(method, port, uri, token, body == null ? null : "application/json",
      body == null ? null : body.toBuffer())
      .compose(response -> response.ok()
        ? Future.succeededFuture(response.json())
        : Future.failedFuture(method + " " + uri + " -> " + response.status() + " " + response.body()));
  }

  /**
   * Streams a file from disk as the whole request body (application/octet-stream, known
   * Content-Length, the fields in the URI's query), the way the web page uploads. A body that
   * cannot be read to its end resets the request, so the node sees the upload fail.
   */
  Future<Response> uploadRaw(int port, String uri, String token, Path file, long size) {
    RequestOptions options = options(HttpMethod.POST, port, uri)
      .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
      .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(size))
      .setIdleTimeout(TRANSFER_IDLE_TIMEOUT_MS);
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true))
      .compose(asyncFile -> bounded(options, TRANSFER_DEADLINE_MS, request -> {
        asyncFile.setReadBufferSize(256 * 1024);
        Future<HttpClientResponse> response = request.response();
        return asyncFile.pipeTo(request)
          .onFailure(failed -> request.reset(0, failed))
          .compose(v -> response)
          .compose(r -> r.body().map(body -> new Response(r.statusCode(), body)));
      }).eventually(asyncFile::close));
  }

  /** GETs a URI and counts the bytes of the body without keeping them. */
  Future<Long> download(int port, String uri, String token) {
    RequestOptions options = options(HttpMethod.GET, port, uri).setIdleTimeout(TRANSFER_IDLE_TIMEOUT_MS);
    if (token != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    AtomicLong bytes = new AtomicLong();
    return bounded(options, TRANSFER_DEADLINE_MS, request -> request.send()
      .compose(response -> {
        if (response.statusCode() != 200) {
          return response.body().compose(body -> Future.failedFuture(
            "GET " + uri + " -> " + response.statusCode() + " " + body));
        }
        response.handler(buffer -> bytes.addAndGet(buffer.length()));
        return response.end().map(v -> bytes.get());
      }));
  }

  Future<Void> close() {
    return client.close();
  }
}
