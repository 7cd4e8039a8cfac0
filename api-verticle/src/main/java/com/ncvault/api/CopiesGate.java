package com.ncvault.api;

import com.ncvault.contract.FileInfo;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.Copies;
import com.ncvault.contract.StorageApi.CopiesWait;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.micrometer.backends.BackendRegistries;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds back the answer to a new file or revision until {@code replicationFactor} nodes hold its
 * content (checked against its SHA-256 as each stored it), so a node lost right after the answer
 * loses nothing. After {@code replicationWaitSeconds} the upload is answered anyway, with a
 * {@code warning} (the revision is committed either way) and the counter
 * {@code pdm_replication_wait_expired_total} goes up.
 */
final class CopiesGate {

  private static final Logger LOG = LoggerFactory.getLogger(CopiesGate.class);
  static final String UNDER_REPLICATED = "under_replicated";

  private final StorageApi storage;
  private final int factor;
  private final long waitMs;
  private final Counter expired;

  CopiesGate(StorageApi storage, int factor, long waitMs) {
    this.storage = storage;
    this.factor = factor;
    this.waitMs = waitMs;
    MeterRegistry registry = BackendRegistries.getDefaultNow();
    this.expired = registry == null ? null : Counter.builder("pdm.replication.wait.expired")
      .description("Uploads answered before replicationFactor nodes held their content").register(registry);
  }

  /** The file as the answer once enough nodes hold its content, or with a warning after the wait. */
  Future<Object> answer(FileInfo file) {
    if (factor <= 1) {
      return Future.succeededFuture(file);
    }
    return storage.awaitCopies(new CopiesWait(file.sha256(), factor, waitMs))
      // the node that took the upload holds it: recorded in the transaction that committed it
      .recover(e -> Future.succeededFuture(new Copies(file.sha256(), 1, factor)))
      .map(copies -> {
        if (copies.enough()) {
          return file;
        }
        if (expired != null) {
          expired.increment();
        }
        LOG.warn("Revision {} of {} answered with its content on {} of {} nodes after {} ms", file.revision(),
          file.filename(), copies.held(), copies.wanted(), waitMs);
        return JsonObject.mapFrom(file).put("warning", new JsonObject()
          .put("code", UNDER_REPLICATED)
          .put("message", "Saved, but held by " + copies.held() + " of the " + copies.wanted()
            + " nodes wanted so far; it is copied to the others in the background")
          .put("copies", copies.held())
          .put("wanted", copies.wanted()));
      });
  }
}
