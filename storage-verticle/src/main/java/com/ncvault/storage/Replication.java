package com.ncvault.storage;

import com.ncvault.contract.ClusterStatus;
import com.ncvault.contract.EventTypes;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps this node present in the registry (a heartbeat) and, when nodes share a cluster secret,
 * its blob store complete: the content of every new revision is copied here in the background as
 * its event arrives, so a download here never waits for the node where it was uploaded and
 * survives that node going down. A scan at start and every few minutes catches up what was
 * missed (this node was down, or every holder was).
 */
final class Replication {

  private static final Logger LOG = LoggerFactory.getLogger(Replication.class);
  static final long HEARTBEAT_MS = ClusterStatus.REGISTRY_HEARTBEAT_MS;
  static final long SCAN_MS = 5 * 60_000;
  static final int CONCURRENCY = 2;
  static final int MAX_ATTEMPTS = 10;

  private final Vertx vertx;
  private final NodeRegistry registry;
  private final ReplicationQueue queue;
  private final boolean copying;
  private long heartbeat = -1;
  private long scan = -1;

  Replication(Vertx vertx, NodeRegistry registry, BlobFetcher fetcher, boolean copying) {
    this.vertx = vertx;
    this.registry = registry;
    this.copying = copying;
    this.queue = new ReplicationQueue(CONCURRENCY, MAX_ATTEMPTS, new ReplicationQueue.Scheduler() {
      @Override
      public long schedule(long delayMs, Runnable task) {
        return vertx.setTimer(delayMs, id -> task.run());
      }

      @Override
      public void cancel(long id) {
        vertx.cancelTimer(id);
      }
    }, job -> fetcher.ensureLocal(job.sha256(), job.size()));
  }

  /** Starts the heartbeat and, when copying, the first scan; call on the storage-verticle's context. */
  void start() {
    heartbeat = vertx.setPeriodic(HEARTBEAT_MS, id -> registry.announce()
      .compose(v -> registry.decommissionedSelf())
      .onSuccess(decommissioned -> {
        if (decommissioned != null) {
          // Possible only when it was not a visible member then (cut off); its next start is refused.
          LOG.error("This node was decommissioned {} while running: no other node asks it for content and "
            + "content uploaded here reaches no other node; stop it", decommissioned);
        }
      })
      .onFailure(e -> LOG.warn("Could not refresh this node in the registry: {}", e.getMessage())));
    if (copying) {
      scanNow();
      scan = vertx.setPeriodic(SCAN_MS, id -> scanNow());
    }
  }

  /** A domain event from any node: the content of a new revision is queued for copying. */
  void onDomainEvent(JsonObject event) {
    if (!copying || event == null) {
      return;
    }
    String type = event.getString("type");
    JsonObject file = event.getValue("file") instanceof JsonObject f ? f : null;
    if (file == null || !(EventTypes.CREATE.equals(type) || EventTypes.CHECKIN.equals(type))) {
      return;
    }
    String sha256 = file.getString("sha256");
    Object size = file.getValue("size");
    if (BlobStore.isSha256(sha256) && size instanceof Number n) {
      queue.offer(sha256, n.longValue());
    }
  }

  /** Contents queued for copying here, being copied, or waiting for a retry. */
  int backlog() {
    return queue.outstanding();
  }

  void stop() {
    vertx.cancelTimer(heartbeat);
    vertx.cancelTimer(scan);
    queue.stop();
  }

  private void scanNow() {
    registry.missingHere()
      .onSuccess(missing -> {
        int queued = 0;
        for (NodeRegistry.Content content : missing) {
          if (queue.offer(content.sha256(), content.size())) {
            queued++;
          }
        }
        if (queued > 0) {
          LOG.info("Copying {} contents this node does not hold yet", queued);
        }
      })
      .onFailure(e -> LOG.warn("Could not list the contents this node lacks: {}", e.getMessage()));
  }
}
