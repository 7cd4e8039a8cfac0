package com.ncvault.storage;

import com.ncvault.contract.ClusterHttp;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StagedUpload;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings content this node lacks from the nodes that hold it: streamed to incoming/ while its
 * SHA-256 is computed, kept only when size and hash match (else the next node is tried), then
 * ingested like an upload and recorded as held here. Every peer call has a connect and an idle
 * timeout, so a node that is down or hangs costs seconds, not a stuck request. One fetch per blob
 * at a time: a download and the background copy of the same content share it.
 */
final class BlobFetcher {

  private static final Logger LOG = LoggerFactory.getLogger(BlobFetcher.class);
  static final long CONNECT_TIMEOUT_MS = 5_000;
  static final long IDLE_TIMEOUT_MS = 30_000;

  private final Vertx vertx;
  private final Lane io;
  private final HttpClient client;
  private final Database db;
  private final BlobStore blobs;
  private final NodeRegistry registry;
  private final String secret;
  private final Map<String, Future<Void>> inFlight = new HashMap<>();

  BlobFetcher(Vertx vertx, Lane io, HttpClient client, Database db, BlobStore blobs, NodeRegistry registry,
              String secret) {
    this.vertx = vertx;
    this.io = io;
    this.client = client;
    this.db = db;
    this.blobs = blobs;
    this.registry = registry;
    this.secret = secret;
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
      : registry.holders(sha256).compose(peers -> fromFirstThatServes(peers, 0, sha256, size));
    inFlight.put(sha256, fetched);
    fetched.onComplete(done -> inFlight.remove(sha256));
    return fetched;
  }

  private Future<Void> fromFirstThatServes(List<NodeRegistry.Peer> peers, int index, String sha256, long size) {
    if (index >= peers.size()) {
      return Future.failedFuture(unavailable(sha256, peers.isEmpty()
        ? "no other node holds it" : "none of the nodes holding it could provide it"));
    }
    NodeRegistry.Peer peer = peers.get(index);
    return fetchFrom(peer, sha256, size)
      .onSuccess(v -> LOG.info("Copied content {} ({} bytes) from {}", sha256, size, peer.name()))
      .recover(e -> {
        LOG.warn("Could not copy content {} from {}: {}", sha256, peer.name(), e.getMessage());
        return fromFirstThatServes(peers, index + 1, sha256, size);
      });
  }

  private Future<Void> fetchFrom(NodeRegistry.Peer peer, String sha256, long size) {
    Path part = blobs.incomingDir().resolve("copy-" + UUID.randomUUID() + ".part");
    RequestOptions request = new RequestOptions()
      .setMethod(HttpMethod.GET)
      .setAbsoluteURI(peer.baseUrl() + ClusterHttp.BLOBS_PATH + sha256)
      .putHeader(ClusterHttp.SECRET_HEADER, secret)
      .setConnectTimeout(CONNECT_TIMEOUT_MS)
      .setIdleTimeout(IDLE_TIMEOUT_MS);
    return client.request(request)
      .compose(HttpClientRequest::send)
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

  private static Future<VerifyingSink> copy(HttpClientResponse response, VerifyingSink sink) {
    return response.pipeTo(sink)
      .map(v -> sink)
      .recover(e -> {
        response.request().reset();
        return sink.end().transform(ignored -> Future.failedFuture(e));
      });
  }

  private static PdmError unavailable(String sha256, String why) {
    return new PdmError(ErrorCode.UNAVAILABLE, "The content " + sha256 + " is not available: " + why);
  }
}
