package com.ncvault.sync;

import com.ncvault.contract.EventTypes;
import io.vertx.core.Vertx;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A new socket's upgrade answer (HTTP 101) waits for the session's first frames and reaches the
 * client in the same write, read by a plain TCP client: the first read holds the answer and the
 * whole file list after it. (Sent apart, the answer leaves before the socket has even reached the
 * sync-verticle, and the client's first read ends with it.)
 */
@ExtendWith(VertxExtension.class)
@Timeout(value = 30, timeUnit = TimeUnit.SECONDS)
class UpgradeAnswerTest {

  private static final String FILE = "1234567.mcam";
  private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";

  @Test
  void theAnswerAndTheFirstFramesArriveInOneRead(Vertx vertx, VertxTestContext ctx) {
    // a first page makes the node's file list (the storage's answer takes a while; the answer of that
    // upgrade does not wait for it); the next socket's list is the one made, sent at once
    SyncHarness.start(vertx).compose(node -> node.connect("alice", 3, null)
        .compose(alice -> alice.awaitType("FILE_LIST_UPDATED"))
        .compose(list -> vertx.executeBlocking(() -> firstRead(node.port, SyncHarness.query("bob", 3, null, null)))))
      .onComplete(ctx.succeeding(first -> ctx.verify(() -> {
        assertThat(first).startsWith("HTTP/1.1 101 ");
        int head = first.indexOf("\r\n\r\n") + 4;
        assertThat(head).isGreaterThan(4);
        // a final text frame follows the answer in the same read: the file list, whole
        assertThat(first.length()).isGreaterThan(head + 2);
        assertThat(first.charAt(head)).isEqualTo((char) 0x81);
        int marker = first.charAt(head + 1) & 0x7f;
        // the test's file list is under 64 KiB: a 7-bit length, or 126 and a 16-bit one
        assertThat(marker).isLessThan(127);
        int length = marker < 126 ? marker : (first.charAt(head + 2) << 8) | first.charAt(head + 3);
        int payload = head + (marker < 126 ? 2 : 4);
        assertThat(first.length()).isGreaterThanOrEqualTo(payload + length);
        assertThat(first.substring(payload, payload + length)).startsWith("{\"type\":\"FILE_LIST_UPDATED\"");
        ctx.completeNow();
      })));
  }

  @Test
  void aSocketWithNothingToSendYetIsAnsweredAtOnce(Vertx vertx, VertxTestContext ctx) {
    // the first page of the node, already up to date: no file list, nothing to catch up on, and no
    // one online yet, so its session's first burst writes nothing; its upgrade is answered all the same
    // (with who is online, sent to a new socket once the node has counted it, when that comes in time)
    SyncHarness.start(vertx).compose(node -> {
      node.storage.commitAndPublish(EventTypes.CREATE, FILE, "alice");
      return node.awaitStatus(status -> true).compose(ready -> vertx.executeBlocking(
        () -> firstRead(node.port, SyncHarness.query("bob", 2, 1L, null))));
    }).onComplete(ctx.succeeding(first -> ctx.verify(() -> {
      assertThat(first).startsWith("HTTP/1.1 101 ");
      ctx.completeNow();
    })));
  }

  /** Sends an upgrade of {@code path} and answers what the first read of the connection returns. */
  private static String firstRead(int port, String path) throws IOException {
    try (Socket socket = new Socket(SyncHarness.HOST, port)) {
      socket.setSoTimeout(10_000);
      String request = "GET " + path + " HTTP/1.1\r\nHost: " + SyncHarness.HOST + ":" + port
        + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: " + KEY
        + "\r\nSec-WebSocket-Version: 13\r\n\r\n";
      socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      byte[] buffer = new byte[1 << 20];
      int read = in.read(buffer);
      assertThat(read).isPositive();
      return new String(buffer, 0, read, StandardCharsets.ISO_8859_1);
    }
  }
}
