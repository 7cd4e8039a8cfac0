package com.ncvault.api;

import com.ncvault.contract.StorageApi.StorageHealth;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Storage's state in /metrics, set from its health answer at each scrape:
 * {@code pdm_storage_disk_sync_failed} is 1 once a sync of the H2 database's file failed (the node
 * then takes no changes until it is restarted), else 0; per lane of blocking work (crypto, blob
 * I/O, diff, ...) {@code pdm_storage_lane_running{lane}}, {@code pdm_storage_lane_waiting{lane}}
 * and {@code pdm_storage_lane_refused_total{lane}}, so a monitor sees a saturated node before it
 * refuses; on H2, {@code pdm_storage_database_file_bytes}, the size of the database's file. One set
 * per meter registry, shared by the api's instances (a gauge registered twice under one name reads
 * the first one's value); a set holds no reference to its registry, so the weak map lets both go
 * when the registry does.
 */
final class StorageGauges {

  private static final Map<MeterRegistry, StorageGauges> BY_REGISTRY = new WeakHashMap<>();

  private final AtomicInteger diskSyncFailed = new AtomicInteger();
  private final Map<String, Lane> lanes = new ConcurrentHashMap<>();
  private final AtomicLong databaseFileBytes = new AtomicLong();
  private volatile boolean databaseFileRegistered;

  private record Lane(AtomicInteger running, AtomicInteger waiting, AtomicLong refused) {
  }

  private StorageGauges(MeterRegistry registry) {
    Gauge.builder("pdm.storage.disk.sync.failed", diskSyncFailed, AtomicInteger::get)
      .description("1 once a sync of the database's file failed: the node takes no changes until it is restarted")
      .register(registry);
  }

  static StorageGauges of(MeterRegistry registry) {
    synchronized (BY_REGISTRY) {
      return BY_REGISTRY.computeIfAbsent(registry, StorageGauges::new);
    }
  }

  /** Takes the values of a health answer of storage (the fields of {@code StorageHealth}). */
  void update(MeterRegistry registry, JsonObject health) {
    diskSyncFailed.set(StorageHealth.DISK_SYNC_FAILED.equals(health.getString("diskSync")) ? 1 : 0);
    Long fileBytes = health.getLong("databaseFileBytes");
    if (fileBytes != null) {
      databaseFileBytes.set(fileBytes);
      registerDatabaseFile(registry);
    }
    JsonObject reported = health.getJsonObject("lanes", new JsonObject());
    for (String name : reported.fieldNames()) {
      JsonObject state = reported.getJsonObject(name);
      Lane lane = lanes.computeIfAbsent(name, n -> register(registry, n));
      lane.running().set(state.getInteger("running", 0));
      lane.waiting().set(state.getInteger("waiting", 0));
      lane.refused().set(state.getLong("refused", 0L));
    }
  }

  /** Only on a node whose storage has a database file of its own (H2). */
  private synchronized void registerDatabaseFile(MeterRegistry registry) {
    if (!databaseFileRegistered) {
      Gauge.builder("pdm.storage.database.file", databaseFileBytes, AtomicLong::get).baseUnit("bytes")
        .description("The size of the database's file (H2)").register(registry);
      databaseFileRegistered = true;
    }
  }

  private static Lane register(MeterRegistry registry, String name) {
    Lane lane = new Lane(new AtomicInteger(), new AtomicInteger(), new AtomicLong());
    Gauge.builder("pdm.storage.lane.running", lane.running(), AtomicInteger::get).tag("lane", name)
      .description("Jobs of this lane of blocking work running now").register(registry);
    Gauge.builder("pdm.storage.lane.waiting", lane.waiting(), AtomicInteger::get).tag("lane", name)
      .description("Jobs of this lane of blocking work waiting for a thread").register(registry);
    FunctionCounter.builder("pdm.storage.lane.refused", lane.refused(), AtomicLong::get).tag("lane", name)
      .description("Jobs this lane refused since the node started, because it was full").register(registry);
    return lane;
  }
}
