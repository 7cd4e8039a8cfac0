package com.ncvault.storage;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ClusterHttp;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StagedUpload;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings content this node lacks from the nodes that hold it: streamed to incoming/ while its
 * SHA-256 is computed, kept only when size and hash match (else the next node is tried), then
 * ingested like an upload and recorded as held here. A node that does not start answering within
 * the first-byte timeout, or stops sending for the idle timeout, is given up and the next one
 * asked; after a few such failures in a row its breaker opens and it is skipped at once for a
 * cool-down ({@link PeerBreakers}), so a hung node costs a download seconds once, not every time.
 * One fetch per blob at a time: a download and the background copy of the same content share it.
 */
final class BlobFetcher {

  private static final Logger LOG = LoggerFactory.getLogger(BlobFetcher.class);
  /** How long an unused connection to another node is kept open. */
  static final long POOLED_IDLE_MS = 30_000;

  private final Vertx vertx;
  private final Lane io;
  private final HttpClient client;
  private final Database db;
  private final BlobStore blobs;
  private final NodeRegistry registry;
  private final String secret;
  private final StorageConfig.PeerCalls calls;
  private final PeerBreakers breakers;
  private final Map<String, Future<Void>> inFlight = new HashMap<>();

  BlobFetcher(Vertx vertx, Lane io, HttpClient client, Database db, BlobStore blobs, NodeRegistry registry,
              String secret, StorageConfig.PeerCalls calls) {
    this.vertx = vertx;
    this.io = io;
    this.client = client;
    this.db = db;
    this.blobs = blobs;
    this.registry = registry;
    this.secret = secret;
    this.calls = calls;
    this.breakers = new PeerBreakers(calls.breakerFailures(), calls.breakerCooldownMs(), System::currentTimeMillis,
      this::breakerChanged);
  }

  /** The nodes skipped now or being tried again after they stopped answering, sorted. */
  List<String> skippedPeers() {
    return breakers.notClosed();
  }

  /** Succeeds once the blob is in this node's store, fetching it when it is not. */
  Future<Void> ensureLocal(String sha256, long size) {
    return io.run(() -> blobs.contains(sha256))
      .compose(present -> present ? Future.succeededFuture() : fetch(sha256, size));
  }

  private Future<Void> fetch(String sha256, long size) {
    Future<Void> running = inFlight.get(sha256);
    if (running != null) {
      return running;
    }
    Future<Void> fetched = secret.isEmpty()
      ? Future.failedFuture(unavailable(sha256, "it is not on this node"))
      : registry.holders(sha256).compose(peers -> fromFirstThatServes(peers, 0, sha256, size, new ArrayList<>()));
    inFlight.put(sha256, fetched);
    fetched.onComplete(done -> inFlight.remove(sha256));
    return fetched;
  }

  private Future<Void> fromFirstThatServes(List<NodeRegistry.Peer> peers, int index, String sha256, long size,
                                           List<String> skipped) {
    if (index >= peers.size()) {
      return Future.failedFuture(unavailable(sha256, peers.isEmpty() ? "no other node holds it"
        : skipped.size() == peers.size() ? "the nodes holding it (" + String.join(", ", skipped)
          + ") stopped answering and are tried again in " + secondsUntilRetry(skipped) + " s"
        : "none of the nodes holding it could provide it"));
    }
    NodeRegistry.Peer peer = peers.get(index);
    // asked only when its turn comes: a half-open breaker lets one call through, which must report back
    if (!breakers.allow(peer.name())) {
      LOG.debug("Skipping {} for content {}: it stopped answering", peer.name(), sha256);
      skipped.add(peer.name());
      return fromFirstThatServes(peers, index + 1, sha256, size, skipped);
    }
    return fetchFrom(peer, sha256, size)
      .andThen(done -> {
        if (done.failed() && done.cause() instanceof PeerTimeout) {
          breakers.failed(peer.name());
        } else {
          breakers.succeeded(peer.name());
        }
      })
      .onSuccess(v -> LOG.info("Copied content {} ({} bytes) from {}", sha256, size, peer.name()))
      .recover(e -> {
        LOG.warn("Could not copy content {} from {}: {}", sha256, peer.name(), e.getMessage());
        return fromFirstThatServes(peers, index + 1, sha256, size, skipped);
      });
  }

  private long secondsUntilRetry(List<String> skipped) {
    long ms = skipped.stream().mapToLong(breakers::remainingMs).min().orElse(0);
    return (ms + 999) / 1000;
  }

  private Future<Void> fetchFrom(NodeRegistry.Peer peer, String sha256, long size) {
    Path part = blobs.incomingDir().resolve("copy-" + UUID.randomUUID() + ".part");
    RequestOptions request = new RequestOptions()
      .setMethod(HttpMethod.GET)
      .setAbsoluteURI(peer.baseUrl() + ClusterHttp.BLOBS_PATH + sha256)
      .putHeader(ClusterHttp.SECRET_HEADER, secret)
      .setConnectTimeout(calls.firstByteTimeoutMs())
      .setIdleTimeout(calls.idleTimeoutMs());
    return firstByte(request)
      .compose(response -> {
        if (response.statusCode() != 200) {
          response.request().reset();
          return Future.<VerifyingSink>failedFuture(new IllegalStateException("it answered HTTP "
            + response.statusCode()));
        }
        response.pause();
        return vertx.fileSystem().open(part.toString(), new OpenOptions().setWrite(true).setCreateNew(true).setPerms("rw-------"))
          .compose(file -> copy(response, new VerifyingSink(file, size)));
      })
      .compose(sink -> {
        String actual = sink.sha256();
        if (sink.size() != size || !actual.equals(sha256)) {
          return Future.failedFuture(new IllegalStateException("it sent " + sink.size() + " bytes with SHA-256 "
            + actual + ", not the expected content"));
        }
        return io.<Void>run(() -> {
          blobs.ingest(new StagedUpload(part.toString(), size, sha256));
          return null;
        });
      })
      .compose(v -> registry.recordHere(sha256))
      .recover(e -> io.<Void>run(() -> {
        blobs.discard(new StagedUpload(part.toString(), size, sha256));
        return null;
      }).transform(ignored -> Future.failedFuture(e)));
  }

  /**
   * Sends the request and waits at most the first-byte timeout for the response headers, from the
   * start (pool, connection and answer all count); a request still open then is reset, and so is an
   * answer that comes too late.
   */
  private Future<HttpClientResponse> firstByte(RequestOptions options) {
    Promise<HttpClientResponse> answered = Promise.promise();
    long deadline = vertx.setTimer(calls.firstByteTimeoutMs(), id -> answered.tryFail(new PeerTimeout(
      "it did not answer within " + calls.firstByteTimeoutMs() + " ms")));
    client.request(options)
      .compose(request -> {
        answered.future().onFailure(e -> request.reset(0, e));
        return request.send();
      })
      .onComplete(done -> {
        vertx.cancelTimer(deadline);
        if (done.failed()) {
          answered.tryFail(timedOut(done.cause()) ? new PeerTimeout(done.cause().toString()) : done.cause());
        } else if (!answered.tryComplete(done.result())) {
          done.result().request().reset();
        }
      });
    return answered.future();
  }

  private void breakerChanged(String peer, PeerBreakers.State state) {
    switch (state) {
      case OPEN -> LOG.warn("Node {} stopped answering content requests: skipped for {} ms, then tried again", peer,
        calls.breakerCooldownMs());
      case HALF_OPEN -> LOG.info("Trying node {} again for content", peer);
      case CLOSED -> LOG.info("Node {} answers content requests again", peer);
    }
    vertx.eventBus().publish(Addresses.PEER_BREAKERS, new JsonObject().put("peer", peer)
      .put("state", state.name().toLowerCase(Locale.ROOT)), new DeliveryOptions().setLocalOnly(true));
  }

  /** Streams the answer into the sink; a stream that stalls for the idle timeout is the peer's {@link PeerTimeout}. */
  private static Future<VerifyingSink> copy(HttpClientResponse response, VerifyingSink sink) {
    return response.pipeTo(sink)
      .map(v -> sink)
      .recover(e -> {
        response.request().reset();
        Throwable cause = sink.refusal() == null && timedOut(e) ? new PeerTimeout(e.toString()) : e;
        return sink.end().transform(ignored -> Future.failedFuture(cause));
      });
  }

  /**
   * The peer did not connect, answer or send in time: what its breaker counts. A quick failure (a
   * refused connection, an HTTP error, wrong content) costs a download no wait and does not count,
   * so a node that restarts is asked again as soon as it serves.
   */
  private static final class PeerTimeout extends Exception {
    PeerTimeout(String message) {
      super(message, null, false, false);
    }
  }

  private static boolean timedOut(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException || t instanceof ConnectTimeoutException || t instanceof SocketTimeoutException) {
        return true;
      }
    }
    return false;
  }

  private static PdmError unavailable(String sha256, String why) {
    return new PdmError(ErrorCode.UNAVAILABLE, "The content " + sha256 + " is not available: " + why);
  }
}
