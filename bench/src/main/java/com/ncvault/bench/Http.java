package com.ncvault.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
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
  private static final String BOUNDARY = "----ncvault-bench-boundary-7d1f";

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

  Future<Response> send(HttpMethod method, int port, String uri, String token, String contentType, Buffer body) {
    RequestOptions options = new RequestOptions().setMethod(method).setHost(HOST).setPort(port).setURI(uri);
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

  /** A JSON request that must succeed (2xx); a failure carries the status and the body. */
  Future<JsonObject> json(HttpMethod method, int port, String uri, String token, JsonObject body) {
    return send(method, port, uri, token, body == null ? null : "application/json",
      body == null ? null : body.toBuffer())
      .compose(response -> response.ok()
        ? Future.succeededFuture(response.json())
        : Future.failedFuture(method + " " + uri + " -> " + response.status() + " " + response.body()));
  }

  /** A multipart/form-data body with text fields and one file part, for small uploads built in memory. */
  static Buffer multipart(JsonObject fields, String fileField, String filename, Buffer content) {
    Buffer body = Buffer.buffer();
    fields.forEach(field -> body.appendString("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\""
      + field.getKey() + "\"\r\n\r\n" + field.getValue() + "\r\n"));
    body.appendString(filePartHeader(fileField, filename)).appendBuffer(content).appendString(epilogue());
    return body;
  }

  static String multipartType() {
    return "multipart/form-data; boundary=" + BOUNDARY;
  }

  private static String filePartHeader(String field, String filename) {
    return "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field + "\"; filename=\"" + filename
      + "\"\r\nContent-Type: application/octet-stream\r\n\r\n";
  }

  private static String epilogue() {
    return "\r\n--" + BOUNDARY + "--\r\n";
  }

  /**
   * Streams a file from disk as the single file part of a multipart upload (known Content-Length, no
   * chunking), so that a 1 GiB upload needs no memory on this side either.
   */
  Future<Response> uploadFile(int port, String uri, String token, String fileField, Path file, String filename,
                              long size) {
    Buffer head = Buffer.buffer(filePartHeader(fileField, filename), StandardCharsets.UTF_8.name());
    Buffer tail = Buffer.buffer(epilogue());
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(HOST).setPort(port).setURI(uri)
      .putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + token)
      .putHeader(HttpHeaders.CONTENT_TYPE, multipartType())
      .putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(head.length() + size + tail.length()))
      .setIdleTimeout(120_000);
    return vertx.fileSystem().open(file.toString(), new OpenOptions().setRead(true))
      .compose(asyncFile -> client.request(options).compose(request -> {
        asyncFile.setReadBufferSize(256 * 1024);
        Future<HttpClientResponse> response = request.response();
        request.write(head);
        return asyncFile.pipe().endOnSuccess(false).to(request)
          .compose(v -> request.end(tail))
          .compose(v -> response)
          .compose(r -> r.body().map(body -> new Response(r.statusCode(), body)))
          .eventually(asyncFile::close);
      }));
  }

  /** GETs a URI and counts the bytes of the body without keeping them. */
  Future<Long> download(int port, String uri, String token) {
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost(HOST).setPort(port).setURI(uri)
      .setIdleTimeout(120_000);
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
