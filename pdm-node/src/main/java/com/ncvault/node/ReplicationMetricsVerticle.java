package com.ncvault.node;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageBinding;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The replication gauges of /metrics: {@code pdm_replication_backlog} (contents this node still
 * has to copy) and {@code pdm_replication_single_copy_contents} (contents of the vault that at most
 * one node in service holds: lost with that node's disk). Read from storage every
 * {@link #REFRESH_MS}; the count of uploads answered before enough copies existed is the api's
 * {@code pdm_replication_wait_expired_total}. {@code pdm_peer_breaker_open{peer}} is 1 while this
 * node skips another node that stopped answering content requests (its breaker is open or tries it
 * again), 0 once it answers; set as storage announces each change on {@link Addresses#PEER_BREAKERS}.
 */
final class ReplicationMetricsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ReplicationMetricsVerticle.class);
  static final long REFRESH_MS = 15_000;
  private static final long TIMEOUT_MS = 10_000;

  private final AtomicLong backlog = new AtomicLong();
  private final AtomicLong singleCopies = new AtomicLong();
  private final Map<String, AtomicInteger> breakers = new ConcurrentHashMap<>();
  private final List<Meter> breakerMeters = new CopyOnWriteArrayList<>();
  private MeterRegistry registry;
  private List<Meter> meters = List.of();
  private MessageConsumer<JsonObject> breakerChanges;
  private long timer = -1;

  @Override
  public Future<?> start() {
    registry = BackendRegistries.getDefaultNow();
    if (registry == null) {
      return Future.succeededFuture();
    }
    meters = List.of(
      Gauge.builder("pdm.replication.backlog", backlog, AtomicLong::get)
        .description("Contents this node still has to copy from other nodes").register(registry),
      Gauge.builder("pdm.replication.single.copy.contents", singleCopies, AtomicLong::get)
        .description("Contents of the vault that at most one node in service holds").register(registry));
    breakerChanges = vertx.eventBus().localConsumer(Addresses.PEER_BREAKERS, message -> {
      String peer = message.body().getString("peer");
      AtomicInteger open = breakers.computeIfAbsent(peer, p -> {
        AtomicInteger value = new AtomicInteger();
        breakerMeters.add(Gauge.builder("pdm.peer.breaker.open", value, AtomicInteger::get).tag("peer", p)
          .description("1 while this node skips the node that stopped answering content requests")
          .register(registry));
        return value;
      });
      open.set("closed".equals(message.body().getString("state")) ? 0 : 1);
    });
    StorageApi storage = StorageBinding.proxy(vertx);
    timer = vertx.setPeriodic(0, REFRESH_MS, id -> refresh(storage));
    return Future.succeededFuture();
  }

  private void refresh(StorageApi storage) {
    storage.replicationState()
      .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
      .onSuccess(state -> {
        backlog.set(state.backlog());
        singleCopies.set(state.singleCopies());
      })
      // the last values stay; the database's own trouble shows in /health
      .onFailure(e -> LOG.debug("Could not read the replication state: {}", e.getMessage()));
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(timer);
    if (registry != null) {
      meters.forEach(registry::remove);
      breakerMeters.forEach(registry::remove);
    }
    return breakerChanges == null ? Future.succeededFuture() : breakerChanges.unregister();
  }
}
