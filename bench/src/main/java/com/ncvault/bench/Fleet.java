package com.ncvault.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReferenceArray;

/** N WebSocket clients spread over several event loops of the load generator's Vert.x. */
final class Fleet {

  private final Vertx vertx;
  private final EventBook book;
  private final Map<String, Integer> fileIndex;
  private final String readyType;
  private final AtomicReferenceArray<String> templates;
  private final List<ClientLoop> loops = new ArrayList<>();
  private final List<String> deployments = new ArrayList<>();

  /**
   * @param filenames the files the actor works on, in the order of their index in the book
   * @param readyType the message a client waits for before it counts as ready (the node's initial
   *                  FILE_LIST_UPDATED); null = ready once connected
   */
  Fleet(Vertx vertx, EventBook book, List<String> filenames, String readyType) {
    this.vertx = vertx;
    this.book = book;
    this.readyType = readyType;
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < filenames.size(); i++) {
      index.put(filenames.get(i), i);
    }
    this.fileIndex = Map.copyOf(index);
    this.templates = new AtomicReferenceArray<>(2 * filenames.size());
  }

  Future<Void> start(int loopCount, int connectConcurrencyPerLoop) {
    List<Future<String>> deployed = new ArrayList<>();
    for (int i = 0; i < loopCount; i++) {
      ClientLoop loop = new ClientLoop(this, connectConcurrencyPerLoop);
      loops.add(loop);
      deployed.add(vertx.deployVerticle(loop, new DeploymentOptions()).onSuccess(deployments::add));
    }
    return Future.all(deployed).mapEmpty();
  }

  /** Connects one client per endpoint, client i on loop i modulo the number of loops. */
  Future<Void> connect(List<ClientLoop.Endpoint> endpoints) {
    List<List<ClientLoop.Endpoint>> perLoop = new ArrayList<>();
    loops.forEach(loop -> perLoop.add(new ArrayList<>()));
    for (int i = 0; i < endpoints.size(); i++) {
      perLoop.get(i % loops.size()).add(endpoints.get(i));
    }
    List<Future<Void>> connected = new ArrayList<>();
    for (int i = 0; i < loops.size(); i++) {
      connected.add(loops.get(i).connect(perLoop.get(i)));
    }
    return Future.all(connected).mapEmpty();
  }

  /** Polls until every connected client is ready or the time is up; returns the ready count. */
  int awaitReady(long timeoutMs) {
    long deadline = System.currentTimeMillis() + timeoutMs;
    while (true) {
      ClientLoop.Stats stats = stats();
      if (stats.ready() >= stats.connected() || System.currentTimeMillis() > deadline) {
        return stats.ready();
      }
      vertx.timer(50).await();
    }
  }

  ClientLoop.Stats stats() {
    List<ClientLoop.Stats> all = new ArrayList<>();
    for (ClientLoop loop : loops) {
      all.add(loop.stats().await());
    }
    long frames = 0;
    long bytes = 0;
    long lockMessages = 0;
    long unmatched = 0;
    long mismatched = 0;
    long late = 0;
    int connected = 0;
    int ready = 0;
    int open = 0;
    int failures = 0;
    String firstError = null;
    Map<Integer, Integer> codes = new HashMap<>();
    for (ClientLoop.Stats s : all) {
      frames += s.frames();
      bytes += s.bytes();
      lockMessages += s.lockMessages();
      unmatched += s.unmatched();
      mismatched += s.mismatched();
      late += s.late();
      connected += s.connected();
      ready += s.ready();
      open += s.open();
      failures += s.connectFailures();
      firstError = firstError == null ? s.firstConnectError() : firstError;
      s.closeCodes().forEach((code, n) -> codes.merge(code, n, Integer::sum));
    }
    return new ClientLoop.Stats(frames, bytes, lockMessages, unmatched, mismatched, late, connected, ready, open,
      failures, codes, firstError);
  }

  Map<Integer, Integer> openByGroup() {
    Map<Integer, Integer> open = new HashMap<>();
    for (ClientLoop loop : loops) {
      loop.openByGroup().await().forEach((group, n) -> open.merge(group, n, Integer::sum));
    }
    return open;
  }

  /** The latencies of one step and group, merged over the loops. */
  Histogram histogram(int step, int group) {
    Histogram merged = new Histogram(3);
    for (ClientLoop loop : loops) {
      merged.add(loop.histogram(step, group).await());
    }
    return merged;
  }

  Future<Void> close() {
    List<Future<Void>> closed = new ArrayList<>();
    loops.forEach(loop -> closed.add(loop.closeAll()));
    return Future.join(closed)
      .transform(v -> {
        List<Future<Void>> undeployed = new ArrayList<>();
        deployments.forEach(id -> undeployed.add(vertx.undeploy(id)));
        return Future.join(undeployed).<Void>mapEmpty();
      });
  }

  EventBook book() {
    return book;
  }

  int files() {
    return book.files();
  }

  String readyType() {
    return readyType;
  }

  Integer fileIndex(String filename) {
    return filename == null ? null : fileIndex.get(filename);
  }

  /** Keeps the first lock and unlock message of each file as received, for replay by the ws baseline. */
  void capture(int file, boolean lock, String text) {
    int slot = 2 * file + (lock ? 1 : 0);
    if (templates.get(slot) == null) {
      templates.compareAndSet(slot, null, text);
    }
  }

  /** The captured message of a file's lock or unlock event, or null when none was received. */
  String template(int file, boolean lock) {
    return templates.get(2 * file + (lock ? 1 : 0));
  }
}
