package com.ncvault.api;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * The file list gzip-compressed for clients that accept it (a 100,000-file list is 34 MB of JSON,
 * a few MB compressed). Compression runs on a worker, never on the event loop; the default list is
 * compressed once per seq and kept (each api instance keeps its own). Small lists go as they are.
 */
final class ListCompression {

  /** Below this a list is sent as it is: compressing it costs more than it saves. */
  static final int MIN_BYTES = 8 * 1024;
  private static final int PIECE = 64 * 1024;

  private final WorkerExecutor workers;
  private long seq = -1;
  private Buffer compressed;
  private long pendingSeq = -1;
  private Future<Buffer> pending;

  ListCompression(Vertx vertx) {
    this.workers = vertx.createSharedWorkerExecutor("pdm-compress", 2);
  }

  static boolean accepted(HttpServerRequest request, Buffer body) {
    String accept = request.getHeader(HttpHeaders.ACCEPT_ENCODING);
    return body.length() >= MIN_BYTES && accept != null && accept.toLowerCase(Locale.ROOT).contains("gzip");
  }

  /** The default list of {@code seq} compressed; made at most once per seq by this instance. */
  Future<Buffer> defaultList(long listSeq, Buffer json) {
    if (listSeq == seq) {
      return Future.succeededFuture(compressed);
    }
    if (listSeq == pendingSeq) {
      return pending;
    }
    pendingSeq = listSeq;
    pending = compress(json).onSuccess(gzip -> {
      if (listSeq > seq) {
        seq = listSeq;
        compressed = gzip;
      }
    });
    return pending;
  }

  /** Any body compressed, on a worker. */
  Future<Buffer> compress(Buffer json) {
    return workers.executeBlocking(() -> gzip(json), false);
  }

  static Buffer gzip(Buffer json) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(1024, json.length() / 6));
    try (GZIPOutputStream gzip = new GZIPOutputStream(out, 64 * 1024) {
      {
        def.setLevel(Deflater.BEST_SPEED);
      }
    }) {
      // A piece at a time: the list may be tens of MB, and off the heap.
      for (int from = 0; from < json.length(); from += PIECE) {
        gzip.write(json.getBytes(from, Math.min(json.length(), from + PIECE)));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Buffer.buffer(out.toByteArray());
  }
}
