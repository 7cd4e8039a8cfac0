package com.ncvault.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/** A small HTTP client for the node's REST API, the ws broadcaster and nginx (loopback only). */
final class Http {

  static final String HOST = "127.0.0.1";

  private final Vertx vertx;
  private final HttpClient client;
  private final long deadlineMs;
  private final NetClient uploads;

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
    this.uploads = vertx.createNetClient(new NetClientOptions().setTcpNoDelay(true)
      .setConnectTimeout((int) CONNECT_TIMEOUT_MS).setIdleTimeout(120).setIdleTimeoutUnit(TimeUnit.SECONDS));
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
   * Sends a file from disk as the whole request body (application/octet-stream, known
   * Content-Length, the fields in the URI's query), the way the web page uploads. The body goes out
   * with {@code sendFile} on a connection of its own (zero-copy, as a native client such as curl
   * sends it): piping an {@code AsyncFile} into an {@code HttpClientRequest} cost the load generator
   * more CPU per GiB than the node spent receiving, hashing and writing it, on the same cores.
   */
  Future<Response> uploadRaw(int port, String uri, String token, Path file, long size) {
    String head = "POST " + uri + " HTTP/1.1\r\nHost: " + HOST + ":" + port + "\r\nAuthorization: Bearer " + token
      + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + size + "\r\nConnection: close\r\n\r\n";
    return uploads.connect(port, HOST).compose(socket -> {
      RawResponse response = new RawResponse();
      socket.handler(data -> {
        if (response.append(data)) {
          socket.close();
        }
      });
      socket.closeHandler(v -> response.closed());
      // an upload that outlives the transfer deadline is a reported failure, never a stuck run
      long deadline = vertx.setTimer(TRANSFER_DEADLINE_MS, id -> {
        response.sendFailed(new TimeoutException("POST " + uri + " on port " + port + ": no complete response within "
          + TRANSFER_DEADLINE_MS + " ms"));
        socket.close();
      });
      response.future().onComplete(done -> vertx.cancelTimer(deadline));
      socket.write(Buffer.buffer(head, "ISO-8859-1"))
        .compose(v -> socket.sendFile(file.toString()))
        // the node may answer (a refusal) and close before it has read the whole body
        .onFailure(response::sendFailed);
      return response.future();
    });
  }

  /** An HTTP/1.1 response read off a socket: complete once its Content-Length has arrived, or at the close. */
  static final class RawResponse {
    private final Promise<Response> result = Promise.promise();
    private Buffer bytes = Buffer.buffer();
    private Throwable sendFailure;

    Future<Response> future() {
      return result.future();
    }

    /** True once the whole response is in. */
    boolean append(Buffer data) {
      bytes.appendBuffer(data);
      Response response = parse(false);
      return response != null && result.tryComplete(response);
    }

    void closed() {
      Response response = parse(true);
      if (response != null) {
        result.tryComplete(response);
      } else {
        result.tryFail(sendFailure != null ? sendFailure
          : new IllegalStateException("the connection closed before a complete response"));
      }
    }

    void sendFailed(Throwable cause) {
      sendFailure = cause;
    }

    /** The response when its head and body are complete (at the close: whatever body came), else null. */
    private Response parse(boolean atClose) {
      String text = bytes.toString("ISO-8859-1");
      int end = text.indexOf("\r\n\r\n");
      if (end < 0) {
        return null;
      }
      String[] lines = text.substring(0, end).split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      long length = -1;
      for (String line : lines) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("content-length")) {
          length = Long.parseLong(line.substring(colon + 1).trim());
        }
      }
      Buffer body = bytes.getBuffer(end + 4, bytes.length());
      if (length >= 0 && body.length() >= length) {
        return new Response(status, body.getBuffer(0, (int) length));
      }
      return atClose ? new Response(status, body) : null;
    }
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
    return Future.all(client.close(), uploads.close()).mapEmpty();
  }
}
