package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageBinding;
import com.ncvault.contract.StorageJson;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Talks to the storage of this node through the typed proxy, as the other verticles do; the tests
 * write requests and read replies in the contract's JSON face ({@link StorageJson}) to stay short.
 */
final class StorageClient {

  private final Vertx vertx;
  private final Path dataDir;
  private final StorageApi api;

  StorageClient(Vertx vertx, Path dataDir) {
    this.vertx = vertx;
    this.dataDir = dataDir;
    this.api = StorageBinding.proxy(vertx);
  }

  /** The typed proxy. */
  StorageApi api() {
    return api;
  }

  Future<JsonObject> send(String action, JsonObject body) {
    return StorageJson.call(api, action, body);
  }

  /** A request sent on the storage address as it is, past the proxy (for the dispatcher's refusals). */
  Future<Object> raw(String action, Object body) {
    return vertx.eventBus().request(Addresses.STORAGE, body,
      new DeliveryOptions().addHeader(Addresses.HEADER_ACTION, action)).map(Message::body);
  }

  /** The reply of a request that must succeed. */
  JsonObject call(String action, JsonObject body) {
    return await(send(action, body));
  }

  /** The error of a request that must fail, as the api would see it. */
  PdmError failure(String action, JsonObject body) {
    return failure(send(action, body), action);
  }

  /** The error of a future that must fail, as the api would see it. */
  static PdmError failure(Future<?> f, String what) {
    try {
      f.await(30, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      fail("No reply to " + what);
    } catch (Exception expected) {
      return PdmError.from(f.cause());
    }
    return fail(what + " succeeded but should have failed: " + f.result());
  }

  /** Writes content to incoming/ as the api's upload handler does; returns the StagedUpload JSON. */
  JsonObject stage(byte[] content) {
    try {
      Path incoming = dataDir.resolve("incoming");
      Files.createDirectories(incoming);
      Path part = incoming.resolve(UUID.randomUUID() + ".part");
      Files.write(part, content);
      return new JsonObject().put("path", part.toString()).put("size", content.length)
        .put("sha256", BlobStore.sha256(content));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(60, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError("Timed out", e);
    }
  }

  /** Waits for the future; true when it succeeded. */
  static boolean succeeds(Future<?> future) {
    settle(java.util.List.of(future));
    return future.succeeded();
  }

  /** Waits until every future has completed, successfully or not. */
  static void settle(java.util.List<? extends Future<?>> futures) {
    await(Future.join(futures).transform(ignored -> Future.succeededFuture()));
  }

  static void assertError(PdmError error, int status, String code) {
    assertThat(error.code().status()).as(error.getMessage()).isEqualTo(status);
    assertThat(error.code().code()).as(error.getMessage()).isEqualTo(code);
  }
}
