package com.ncvault.storage;

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
  private StorageService storage;
  private MessageConsumer<Object> consumer;
  private MessageConsumer<JsonObject> events;

  /** A storage that applies the shipped migrations. */
  public StorageVerticle() {
    this(null);
  }

  /** A storage that applies {@code migrations} (null: the shipped ones); a test runs an older schema so. */
  public StorageVerticle(Migrations migrations) {
    this.migrations = migrations;
  }

  @Override
  public Future<?> start() {
    StorageConfig config = StorageConfig.from(config());
    return StorageService.start(vertx, config, migrations).<Void>compose(service -> {
      storage = service;
      consumer = StorageBinding.bind(vertx, service);
      if (!config.replicates()) {
        return consumer.completion();
      }
      events = vertx.eventBus().consumer(Addresses.DOMAIN_EVENTS, m -> service.onDomainEvent(m.body()));
      return Future.all(consumer.completion(), events.completion()).mapEmpty();
    });
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = Future.all(
      consumer == null ? Future.succeededFuture() : consumer.unregister(),
      events == null ? Future.succeededFuture() : events.unregister()).mapEmpty();
    return unregistered.eventually(() -> storage == null ? Future.succeededFuture() : storage.close());
  }
}
