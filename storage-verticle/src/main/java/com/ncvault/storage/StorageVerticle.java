package com.ncvault.storage;

import com.ncvault.contract.Addresses;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.MessageConsumer;

/**
 * The storage of one node: the only writer of metadata (SQL) and content (blob store). Answers
 * {@link Addresses#STORAGE} requests and publishes each committed change on
 * {@link Addresses#DOMAIN_EVENTS}. The consumer is registered only after start-up maintenance.
 */
public class StorageVerticle extends VerticleBase {

  private StorageService storage;
  private MessageConsumer<Object> consumer;

  @Override
  public Future<?> start() {
    StorageConfig config = StorageConfig.from(config());
    return StorageService.start(vertx, config).compose(service -> {
      storage = service;
      consumer = vertx.eventBus().localConsumer(Addresses.STORAGE, service::handle);
      return consumer.completion();
    });
  }

  @Override
  public Future<?> stop() {
    Future<Void> unregistered = consumer == null ? Future.succeededFuture() : consumer.unregister();
    return unregistered.eventually(() -> storage == null ? Future.succeededFuture() : storage.close());
  }
}
