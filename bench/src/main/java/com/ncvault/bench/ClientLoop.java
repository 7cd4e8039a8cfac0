package com.ncvault.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.ClientWebSocket;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import org.HdrHistogram.Histogram;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.function.Supplier;

/**
 * The WebSocket clients of one event loop. Every handler runs on this verticle's event loop, so the
 * per-client state and the histograms need no locks; the main thread reads them through
 * {@link #onLoop}.
 */
final class ClientLoop extends VerticleBase {

  static final String FILE_LOCKED = "FILE_LOCKED";
  static final String FILE_UNLOCKED = "FILE_UNLOCKED";
  /** The page's protocol (proto 3): one EVENT frame per seq, its payload's event_type says what happened. */
  static final String EVENT = "EVENT";

  /** Where one client connects; {@code group} separates the latencies (e.g. same node vs other node). */
  record Endpoint(int port, String uri, String origin, int group) {
  }

  private static final class Client {
    final int group;
    final int[] next;
    WebSocket socket;
    boolean ready;
    boolean closed;

    Client(int group, int files) {
      this.group = group;
      this.next = new int[files];
    }
  }

  /** Counters of one loop; the fleet adds them up. */
  record Stats(long frames, long bytes, long lockMessages, long unmatched, long mismatched, long late,
               int connected, int ready, int open, int connectFailures, Map<Integer, Integer> closeCodes,
               String firstConnectError) {
  }

  private final Fleet fleet;
  private final int connectConcurrency;
  private final List<Client> clients = new ArrayList<>();
  private final Map<Long, Histogram> histograms = new HashMap<>();
  private final Map<Integer, Integer> closeCodes = new HashMap<>();
  private WebSocketClient client;
  private boolean closing;
  private long frames;
  private long bytes;
  private long lockMessages;
  private long unmatched;
  private long mismatched;
  private long late;
  private int ready;
  private int connectFailures;
  private String firstConnectError;

  ClientLoop(Fleet fleet, int connectConcurrency) {
    this.fleet = fleet;
    this.connectConcurrency = connectConcurrency;
  }

  @Override
  public Future<?> start() {
    client = vertx.createWebSocketClient(new WebSocketClientOptions()
      .setMaxConnections(Integer.MAX_VALUE)
      .setConnectTimeout(30_000)
      .setMaxFrameSize(1 << 20)
      .setMaxMessageSize(16 << 20)
      .setTcpNoDelay(true));
    return Future.succeededFuture();
  }

  /** Runs {@code action} on this loop and hands its result to the caller's thread. */
  <T> Future<T> onLoop(Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }

  /** Opens the clients, a bounded number of handshakes at a time; completes when all have tried. */
  Future<Void> connect(List<Endpoint> endpoints) {
    return onLoop(() -> {
      Promise<Void> done = Promise.promise();
      Queue<Endpoint> pending = new ArrayDeque<>(endpoints);
      int[] inFlight = {0};
      Runnable[] pump = new Runnable[1];
      pump[0] = () -> {
        while (inFlight[0] < connectConcurrency && !pending.isEmpty()) {
          inFlight[0]++;
          open(pending.poll(), 2).onComplete(result -> {
            inFlight[0]--;
            pump[0].run();
          });
        }
        if (inFlight[0] == 0 && pending.isEmpty()) {
          done.tryComplete();
        }
      };
      pump[0].run();
      return done.future();
    });
  }

  private Future<Void> open(Endpoint endpoint, int attempts) {
    Client c = new Client(endpoint.group(), fleet.files());
    WebSocketConnectOptions options = new WebSocketConnectOptions().setHost(Http.HOST).setPort(endpoint.port())
      .setURI(endpoint.uri()).addHeader("Origin", endpoint.origin());
    // handlers before the upgrade: a message in the same read as the 101 would otherwise be dropped
    ClientWebSocket socket = client.webSocket();
    socket.textMessageHandler(text -> onText(c, text));
    socket.closeHandler(v -> onClose(c, socket.closeStatusCode()));
    socket.exceptionHandler(error -> { });
    return socket.connect(options)
      .map(connected -> {
        c.socket = socket;
        clients.add(c);
        if (fleet.readyType() == null) {
          markReady(c);
        }
        return (Void) null;
      })
      .recover(error -> {
        if (attempts > 1) {
          return open(endpoint, attempts - 1);
        }
        connectFailures++;
        if (firstConnectError == null) {
          firstConnectError = String.valueOf(error.getMessage());
        }
        return Future.succeededFuture();
      });
  }

  private void markReady(Client c) {
    if (!c.ready) {
      c.ready = true;
      ready++;
    }
  }

  private void onText(Client c, String text) {
    frames++;
    bytes += text.length();
    String type = JsonScan.stringField(text, "type");
    if (type == null) {
      return;
    }
    Boolean change = lockChange(type, text);
    if (change == null) {
      if (!c.ready && type.equals(fleet.readyType())) {
        markReady(c);
      }
      return;
    }
    boolean lock = change;
    long now = System.nanoTime();
    Integer file = fleet.fileIndex(JsonScan.stringField(text, "filename"));
    if (file == null) {
      unmatched++;
      return;
    }
    int ordinal = c.next[file]++;
    int id = fleet.book().received(file, ordinal, now);
    if (id < 0) {
      unmatched++;
      return;
    }
    lockMessages++;
    if (fleet.book().lockEvent(id) != lock) {
      mismatched++;
    }
    fleet.capture(file, lock, text);
    int step = fleet.book().step(id);
    if (fleet.book().closed(step)) {
      late++;
      return;
    }
    long micros = Math.max(1, (now - fleet.book().sentNanos(id)) / 1000);
    histograms.computeIfAbsent(key(step, c.group), k -> new Histogram(3)).recordValue(micros);
  }

  /**
   * True for a lock, false for an unlock, null for any other message. Proto 3 (the page's, and the
   * node's frames replayed by the ws baseline): an EVENT whose event_type is checkout or cancel, the
   * one frame of its seq. Proto 2: FILE_LOCKED / FILE_UNLOCKED.
   */
  static Boolean lockChange(String type, String text) {
    if (type.equals(EVENT)) {
      String event = JsonScan.stringField(text, "event_type");
      return "checkout".equals(event) ? Boolean.TRUE : "cancel".equals(event) ? Boolean.FALSE : null;
    }
    if (type.equals(FILE_LOCKED)) {
      return Boolean.TRUE;
    }
    return type.equals(FILE_UNLOCKED) ? Boolean.FALSE : null;
  }

  private static long key(int step, int group) {
    return ((long) step << 16) | group;
  }

  private void onClose(Client c, Short code) {
    if (!c.closed) {
      c.closed = true;
      if (!closing) {
        closeCodes.merge(code == null ? 0 : (int) code, 1, Integer::sum);
      }
    }
  }

  /** A copy of the latency histogram of one step and group (empty when nothing was recorded). */
  Future<Histogram> histogram(int step, int group) {
    return onLoop(() -> {
      Histogram h = histograms.get(key(step, group));
      return Future.succeededFuture(h == null ? new Histogram(3) : h.copy());
    });
  }

  Future<Stats> stats() {
    return onLoop(() -> {
      int open = 0;
      for (Client c : clients) {
        if (!c.closed && c.ready) {
          open++;
        }
      }
      return Future.succeededFuture(new Stats(frames, bytes, lockMessages, unmatched, mismatched, late,
        clients.size(), ready, open, connectFailures, new HashMap<>(closeCodes), firstConnectError));
    });
  }

  /** Open and ready clients per group. */
  Future<Map<Integer, Integer>> openByGroup() {
    return onLoop(() -> {
      Map<Integer, Integer> open = new HashMap<>();
      for (Client c : clients) {
        if (!c.closed && c.ready) {
          open.merge(c.group, 1, Integer::sum);
        }
      }
      return Future.succeededFuture(open);
    });
  }

  Future<Void> closeAll() {
    return onLoop(() -> {
      closing = true;
      List<Future<Void>> closed = new ArrayList<>();
      for (Client c : clients) {
        if (!c.closed) {
          closed.add(c.socket.close().recover(e -> Future.succeededFuture()));
        }
      }
      return Future.join(closed).transform(v -> client.close());
    });
  }
}
