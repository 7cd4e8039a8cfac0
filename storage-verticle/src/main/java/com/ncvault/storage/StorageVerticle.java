package com.ncvault.storage;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.MachineBinding;
import com.ncvault.contract.MachineStore;
import io.vertx.core.json.JsonArray;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.StorageBinding;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;

/**
 * The storage of one node: the only writer of metadata (SQL) and content (blob store). Answers
 * {@link Addresses#STORAGE} requests and publishes each committed change on
 * {@link Addresses#DOMAIN_EVENTS}. The consumer is registered only after start-up maintenance.
 * When nodes share a cluster secret it also listens to the domain events (once per node) to copy
 * the content of new revisions made elsewhere.
 */
public class StorageVerticle extends VerticleBase {

  private final Migrations migrations;
  private final GroupCommit.DiskSync diskSync;
  private StorageService storage;
  private MessageConsumer<Object> consumer;
  private MessageConsumer<Object> machines;
  private MessageConsumer<JsonObject> events;

  /** A storage that applies the shipped migrations. */
  public StorageVerticle() {
    this(null);
  }

  /** A storage that applies {@code migrations} (null: the shipped ones); a test runs an older schema so. */
  public StorageVerticle(Migrations migrations) {
    this(migrations, null);
  }

  /** A storage whose group commit forces each batch to the disk with {@code diskSync} on H2 (null: H2's command). */
  StorageVerticle(Migrations migrations, GroupCommit.DiskSync diskSync) {
    this.migrations = migrations;
    this.diskSync = diskSync;
  }

  @Override
  public Future<?> start() {
    StorageConfig config = StorageConfig.from(config());
    return StorageService.start(vertx, config, migrations, diskSync).<MachineStore>compose(service -> {
      storage = service;
      return service.machines(config.dataDir(), roots(config()));
    }).<Void>compose(machineStore -> {
      StorageService service = storage;
      consumer = StorageBinding.bind(vertx, service);
      machines = MachineBinding.bind(vertx, machineStore);
      if (!config.replicates()) {
        return Future.all(consumer.completion(), machines.completion()).mapEmpty();
      }
      events = vertx.eventBus().consumer(Addresses.DOMAIN_EVENTS, m -> service.onDomainEvent(m.body()));
      return Future.all(consumer.completion(), machines.completion(), events.completion()).mapEmpty();
    });
  }

  private static java.util.List<String> roots(JsonObject config) {
    JsonArray roots = config.getJsonArray(ConfigKeys.MACHINE_FOLDER_ROOTS, new JsonArray());
    return roots.stream().map(String::valueOf).toList();
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = Future.all(
      consumer == null ? Future.succeededFuture() : consumer.unregister(),
      machines == null ? Future.succeededFuture() : machines.unregister(),
      events == null ? Future.succeededFuture() : events.unregister()).mapEmpty();
    return unregistered.eventually(() -> storage == null ? Future.succeededFuture() : storage.close());
  }
}
