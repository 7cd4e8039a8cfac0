package com.ncvault.storage;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

public class StorageVerticle extends VerticleBase {
  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
