package com.ncvault.sync;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.EventTypes;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

@ExtendWith(VertxExtension.class)
@Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
class ManyClientsTest {

  private static final int CLIENTS = 1000;
  private static final int EVENTS = 100;

  /** Counts the ACTIVITY seqs one socket receives and notes the first one out of order. */
  private static final class SeqCounter {
    final Promise<Void> ready = Promise.promise();
    final Promise<Void> done = Promise.promise();
    long expected = 1;
    String error;

    void onText(String text) {
      if (text.startsWith("{\"type\":\"FILE_LIST_UPDATED\"")) {
        ready.tryComplete();
      } else if (text.startsWith("{\"type\":\"ACTIVITY\"")) {
        long seq = seqOf(text);
        if (seq != expected && error == null) {
          error = "expected seq " + expected + " but got " + seq;
        }
        expected = seq + 1;
        if (seq == EVENTS) {
          done.tryComplete();
        }
      }
    }
  }

  @Test
  void aThousandClientsEachReceiveEveryEventInOrder(Vertx vertx, VertxTestContext ctx) {
    List<SeqCounter> counters = new ArrayList<>();
    long started = System.currentTimeMillis();
    long cpuAtStart = cpuMillis();
    // forty sockets for each of the 25 users: above the default cap of open sockets per user
    JsonObject config = SyncHarness.testConfig().put(ConfigKeys.WS_MAX_SOCKETS_PER_USER, CLIENTS);
    SyncHarness.start(vertx, config, options -> { }).compose(node -> connectInBatches(node, counters, 0)
      .compose(v -> {
        long connected = System.currentTimeMillis();
        long cpuBefore = cpuMillis();
        for (int i = 0; i < EVENTS; i++) {
          node.storage.commitAndPublish(i % 2 == 0 ? EventTypes.CREATE : EventTypes.CHECKOUT, "f" + (i / 2) + ".nc",
            "alice");
        }
        return Future.all(counters.stream().map(c -> c.done.future()).toList())
          .onSuccess(all -> System.out.printf(
            "%d clients connected in %d ms (cpu %d ms), %d events delivered to all in %d ms (cpu %d ms)%n",
            CLIENTS, connected - started, cpuBefore - cpuAtStart, EVENTS, System.currentTimeMillis() - connected,
            cpuMillis() - cpuBefore))
          .compose(all -> node.status());
      }))
      .onComplete(ctx.succeeding(status -> ctx.verify(() -> {
        assertThat(counters).hasSize(CLIENTS);
        assertThat(counters).allSatisfy(counter -> {
          assertThat(counter.error).isNull();
          assertThat(counter.expected).isEqualTo(EVENTS + 1);
        });
        assertThat(status.getInteger("connections")).isEqualTo(CLIENTS);
        ctx.completeNow();
      })));
  }

  /** The "seq" of a message, read without a JSON parser: a thousand clients share this JVM's CPU. */
  static long seqOf(String text) {
    int at = text.indexOf("\"seq\":") + 6;
    long seq = 0;
    while (at < text.length() && Character.isDigit(text.charAt(at))) {
      seq = seq * 10 + (text.charAt(at++) - '0');
    }
    return seq;
  }

  /** CPU time of this JVM (server and clients together). */
  private static long cpuMillis() {
    return ProcessHandle.current().info().totalCpuDuration().map(d -> d.toMillis()).orElse(-1L);
  }

  private static Future<Void> connectInBatches(SyncHarness node, List<SeqCounter> counters, int from) {
    if (from >= CLIENTS) {
      return Future.succeededFuture();
    }
    List<Future<Void>> batch = new ArrayList<>();
    for (int i = from; i < Math.min(CLIENTS, from + 100); i++) {
      SeqCounter counter = new SeqCounter();
      counters.add(counter);
      String uri = SyncHarness.query("user" + (i % 25), 2, null, null);
      batch.add(node.client.connect(new WebSocketConnectOptions().setURI(uri)).compose(ws -> {
        ws.textMessageHandler(counter::onText);
        return counter.ready.future();
      }));
    }
    return Future.all(batch).compose(v -> connectInBatches(node, counters, from + 100));
  }
}
