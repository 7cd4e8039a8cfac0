package com.ncvault.bench;

import io.vertx.core.Future;
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
import java.util.concurrent.atomic.AtomicLong;

/** A small HTTP client for the node's REST API, the ws broadcaster and nginx (loopback only). */
final class Http {

  static final String HOST = "127.0.0.1";

  private final Vertx vertx;
  private final HttpClient client;

  Http(Vertx vertx, int poolSize) {
    this.vertx = vertx;
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
   * A request that gets no connection, or no data back, within these bounds fails instead of holding
   * the run forever (a smoke run once waited on a download whose connection was gone on both ends).
   */
  static final long CONNECT_TIMEOUT_MS = 30_000;
  static final long IDLE_TIMEOUT_MS = 60_000;

  private static RequestOptions options(HttpMethod method, int port, String uri) {
    return new RequestOptions().setMethod(method).setHost(HOST).setPort(port).setURI(uri)
      .setConnectTimeout(CONNECT_TIMEOUT_MS).setIdleTimeout(IDLE_TIMEOUT_MS);
  }

  Future<Response> send(HttpMethod method, int port, String uri, String token, String contentType, Buffer body) {
    RequestOptions options = options(method, port, uri);
    if (token != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    if (contentType != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    }
    return client.request(options)
      .compose(request -> body == null ? request.send() : request.send(body))
      .compose(response -> response.body().map(buffer -> new Response(response.statusCode(), buffer)));
  }

  /** A GET with extra headers (e.g. Accept-Encoding); the body as it came over the wire. */
  Future<Response> get(int port, String uri, String token, java.util.Map<String, String> headers) {
    RequestOptions options = options(HttpMethod.GET, port, uri);
    if (token != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    headers.forEach(options::putHeader);
    return client.request(options)
      .compose(HttpClientRequest::send)
      .compose(response -> response.body().map(buffer -> new Response(response.statusCode(), buffer)));
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
   * Content-Length, the fields in the URI's query), the way the web page uploads.
   */
  Future<Response> uploadRaw(int port, String uri, String token, Path file, long size) {
    RequestOptions options = options(HttpMethod.POST, port, uri)
      .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/octet-stream")
      .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(size))
      .setIdleTimeout(120_000);
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true))
      .compose(asyncFile -> client.request(options).compose(request -> {
        asyncFile.setReadBufferSize(256 * 1024);
        Future<HttpClientResponse> response = request.response();
        return asyncFile.pipeTo(request)
          .compose(v -> response)
          .compose(r -> r.body().map(body -> new Response(r.statusCode(), body)))
          .eventually(asyncFile::close);
      }));
  }

  /** GETs a URI and counts the bytes of the body without keeping them. */
  Future<Long> download(int port, String uri, String token) {
    RequestOptions options = options(HttpMethod.GET, port, uri).setIdleTimeout(120_000);
    if (token != null) {
      options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token);
    }
    AtomicLong bytes = new AtomicLong();
    return client.request(options)
      .compose(request -> request.send())
      .compose(response -> {
        if (response.statusCode() != 200) {
          return response.body().compose(body -> Future.failedFuture(
            "GET " + uri + " -> " + response.statusCode() + " " + body));
        }
        response.handler(buffer -> bytes.addAndGet(buffer.length()));
        return response.end().map(v -> bytes.get());
      });
  }

  Future<Void> close() {
    return client.close();
  }
}
