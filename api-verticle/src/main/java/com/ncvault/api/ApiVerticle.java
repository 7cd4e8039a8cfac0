package com.ncvault.api;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

public class ApiVerticle extends VerticleBase {
  @Override
  public Future<?> start() {
    return Future.succeededFuture();
  }
}
