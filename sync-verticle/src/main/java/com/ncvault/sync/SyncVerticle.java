package com.ncvault.sync;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

public class SyncVerticle extends VerticleBase {
  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
