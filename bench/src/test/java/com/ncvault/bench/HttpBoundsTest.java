package com.ncvault.bench;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The harness's client turns a request that never completes into a failure instead of a stuck run. */
class HttpBoundsTest {

  private Vertx vertx;
  private HttpServer server;
  /** Completed when the server has received a request it will never answer. */
  private final CompletableFuture<Void> firstUnanswered = new CompletableFuture<>();

  @BeforeEach
  void startSilentServer() {
    vertx = Vertx.vertx();
    server = vertx.createHttpServer()
      .requestHandler(request -> {
        if (request.path().equals("/answered")) {
          request.response().end("ok");
        } else {
          firstUnanswered.complete(null);
        }
      })
      .listen(0, Http.HOST).await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  @Test
  void aResponseThatNeverComesFailsAtTheDeadlineAndFreesTheConnection() {
    Http http = new Http(vertx, 1, 300);
    long started = System.nanoTime();

    assertThatThrownBy(() -> http.send(HttpMethod.GET, server.actualPort(), "/silent", null, null, null).await())
      .isInstanceOf(TimeoutException.class)
      .hasMessageContaining("GET /silent")
      .hasMessageContaining("response not complete");

    assertThat((System.nanoTime() - started) / 1_000_000).isBetween(300L, (long) Http.IDLE_TIMEOUT_MS);
    // the one pooled connection was reset, not kept busy: the next request gets a connection and its answer
    assertThat(http.send(HttpMethod.GET, server.actualPort(), "/answered", null, null, null).await().status())
      .isEqualTo(200);
  }

  @Test
  void aRequestThatGetsNoConnectionFromThePoolFailsAtTheDeadlineSayingSo() throws Exception {
    Http http = new Http(vertx, 1, 300);
    // a download (bounded by the transfer deadline, minutes) takes the pool's only connection
    http.download(server.actualPort(), "/silent", null);
    firstUnanswered.get(10, TimeUnit.SECONDS);

    assertThatThrownBy(() -> http.send(HttpMethod.GET, server.actualPort(), "/answered", null, null, null).await())
      .isInstanceOf(TimeoutException.class)
      .hasMessageContaining("waiting for a connection from the pool");
  }
}
