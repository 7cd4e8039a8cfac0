package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A 1 GiB file goes up and comes back down unchanged through a node whose JVM has a 256 MiB heap:
 * uploads and downloads stream, nothing holds the file in memory.
 */
@ExtendWith(VertxExtension.class)
class LargeFileTest {

  private static final int CHUNK = 64 * 1024;
  private static final int CHUNKS = 16 * 1024;
  private static final long SIZE = (long) CHUNK * CHUNKS;
  private static final int CHUNKS_PER_TURN = 64;
  private static final String BOUNDARY = "----ncvaultLargeFile";
  private static final String NAME = "9000001_BIG.nc";

  private static Vertx vertx;
  private static NodeProcess node;
  private static Path dataDir;
  private static HttpClient http;
  private static String token;

  @BeforeAll
  static void start() throws Exception {
    dataDir = TestNode.tempDir();
    node = NodeProcess.start(TestNode.freePort(), dataDir, List.of("-Xmx256m"), Map.of(), List.of());
    vertx = Vertx.vertx();
    http = vertx.createHttpClient();
    WebClient login = WebClient.create(vertx);
    token = login.post(node.port(), "127.0.0.1", "/api/auth/login")
      .sendJsonObject(new JsonObject().put("username", "admin").put("password", TestNode.ADMIN_PASSWORD))
      .map(r -> r.bodyAsJsonObject().getString("token"))
      .await();
    login.close();
  }

  @AfterAll
  static void stop() throws InterruptedException {
    if (node != null) {
      node.close();
    }
    if (vertx != null) {
      vertx.close().await();
    }
    TestNode.deleteTree(dataDir);
  }

  /** The same pseudo-random chunk for the same index, so that nothing needs to be kept. */
  private static Buffer chunk(int index) {
    SplittableRandom random = new SplittableRandom(index);
    byte[] bytes = new byte[CHUNK];
    for (int i = 0; i < CHUNK; i += 8) {
      long value = random.nextLong();
      for (int b = 0; b < 8; b++) {
        bytes[i + b] = (byte) (value >>> (8 * b));
      }
    }
    return Buffer.buffer(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Sent(JsonObject file, String sha256) {
  }

  private Future<Sent> upload() {
    MessageDigest digest = sha256();
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(node.port())
      .setURI("/api/files").putHeader("Authorization", "Bearer " + token)
      .putHeader("Content-Type", "multipart/form-data; boundary=" + BOUNDARY);
    return http.request(options).compose(request -> {
      request.setChunked(true);
      request.write("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"description\"\r\n\r\n1 GiB\r\n"
        + "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"" + NAME + "\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n");
      Promise<Void> written = Promise.promise();
      pump(request, digest, 0, written);
      written.future().onSuccess(v -> request.end("\r\n--" + BOUNDARY + "--\r\n"));
      return request.response();
    }).compose(response -> response.body().map(body -> {
      assertThat(response.statusCode()).as(body.toString()).isEqualTo(201);
      return new Sent(body.toJsonObject(), HexFormat.of().formatHex(digest.digest()));
    }));
  }

  /**
   * Writes chunks until the request's queue is full, at most {@link #CHUNKS_PER_TURN} per turn of the
   * event loop: a socket that drains as fast as chunks are made would otherwise keep the loop in
   * this method for the whole gigabyte.
   */
  private void pump(HttpClientRequest request, MessageDigest digest, int from, Promise<Void> written) {
    int next = from;
    int turnEnd = Math.min(CHUNKS, from + CHUNKS_PER_TURN);
    while (next < turnEnd && !request.writeQueueFull()) {
      Buffer data = chunk(next++);
      digest.update(data.getBytes());
      request.write(data);
    }
    int resumeAt = next;
    if (next == CHUNKS) {
      written.complete();
    } else if (request.writeQueueFull()) {
      request.drainHandler(v -> pump(request, digest, resumeAt, written));
    } else {
      vertx.runOnContext(v -> pump(request, digest, resumeAt, written));
    }
  }

  private record Received(long size, String sha256, String etag) {
  }

  private Future<Received> download() {
    MessageDigest digest = sha256();
    long[] size = {0};
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(node.port())
      .setURI("/api/files/" + NAME + "/content").putHeader("Authorization", "Bearer " + token);
    return http.request(options).compose(HttpClientRequest::send).compose(response -> {
      assertThat(response.statusCode()).isEqualTo(200);
      response.handler(data -> {
        size[0] += data.length();
        digest.update(data.getBytes());
      });
      return response.end().map(v -> new Received(size[0], HexFormat.of().formatHex(digest.digest()),
        response.getHeader("ETag")));
    });
  }

  @Test
  @Timeout(value = 10, timeUnit = TimeUnit.MINUTES)
  void aOneGibFileGoesUpAndComesBackUnchangedThroughA256MibNode(VertxTestContext ctx) {
    upload().compose(sent -> download().map(received -> new Object[] {sent, received}))
      .onComplete(ctx.succeeding(both -> ctx.verify(() -> {
        Sent sent = (Sent) both[0];
        Received received = (Received) both[1];
        assertThat(sent.file().getLong("size")).isEqualTo(SIZE);
        assertThat(sent.file().getString("sha256")).isEqualTo(sent.sha256());
        assertThat(received.size()).isEqualTo(SIZE);
        assertThat(received.sha256()).isEqualTo(sent.sha256());
        assertThat(received.etag()).isEqualTo("\"" + sent.sha256() + "\"");
        assertThat(dataDir.resolve("incoming").toFile().list()).isEmpty();
        assertThat(node.output()).as("node log").noneMatch(line -> line.contains("OutOfMemoryError"))
          .noneMatch(line -> line.contains("has been blocked for"));
        ctx.completeNow();
      })));
  }
}
