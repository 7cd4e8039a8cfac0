package com.ncvault.api;

import com.ncvault.contract.BlobLocation;
import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.ContentQuery;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/files/download.zip} with {@code {"filenames": [...]}}: the current revision of
 * each file in one zip, streamed. Names, count and total size are checked and every file located
 * before the first byte is sent, so a refusal is a clean JSON error. The zip is written by
 * java.util.zip on a worker of a small pool of its own into a {@link ResponseSink}, which hands
 * the response one chunk at a time and waits while the client is slow: the zip is never held in
 * memory and no event loop waits for the disk.
 */
final class ZipDownload {

  private static final Logger LOG = LoggerFactory.getLogger(ZipDownload.class);
  /** Zips written at once by this node; more wait for a worker. */
  static final int WORKERS = 2;
  /** A slow client may keep a worker that long (the HTTP idle timeout ends a stalled one sooner). */
  private static final long MAX_ZIP_HOURS = 4;
  /** Storage is asked for this many files' locations at a time. */
  private static final int LOOKUPS_AT_ONCE = 8;
  private static final int MAX_FILENAME = 255;

  private final StorageApi storage;
  private final DeletedContent deletedContent;
  private final WorkerExecutor workers;
  private final int maxFiles;
  private final long maxBytes;

  ZipDownload(Vertx vertx, StorageApi storage, DeletedContent deletedContent, int maxFiles, long maxBytes) {
    this.storage = storage;
    this.deletedContent = deletedContent;
    // Shared by name: every api instance of the node uses the same few threads.
    this.workers = vertx.createSharedWorkerExecutor("pdm-zip", WORKERS, MAX_ZIP_HOURS, TimeUnit.HOURS);
    this.maxFiles = maxFiles;
    this.maxBytes = maxBytes;
  }

  void download(RoutingContext ctx) {
    List<String> names = filenames(Input.jsonBody(ctx));
    locate(ApiRouter.user(ctx), names, 0, new ArrayList<>())
      .onSuccess(blobs -> {
        long total = blobs.stream().mapToLong(BlobLocation::size).sum();
        if (total > maxBytes) {
          ctx.fail(new PdmError(ErrorCode.PAYLOAD_TOO_LARGE, "The files add up to " + total + " bytes; a zip holds at most "
            + maxBytes + " bytes", new JsonObject().put("totalBytes", total).put("maxBytes", maxBytes)));
          return;
        }
        stream(ctx, blobs);
      })
      .onFailure(ctx::fail);
  }

  /** The distinct names asked for, in order; 400 for a malformed list, 413 above the count. */
  private List<String> filenames(JsonObject body) {
    Object value = body.getValue("filenames");
    if (!(value instanceof JsonArray array) || array.isEmpty()) {
      throw Input.invalid("filenames", "must be a non-empty list of file names");
    }
    Set<String> names = new LinkedHashSet<>();
    for (Object item : array) {
      if (!(item instanceof String name) || name.isBlank() || name.length() > MAX_FILENAME
        || name.indexOf('/') >= 0 || name.indexOf('\\') >= 0) {
        throw Input.invalid("filenames", "must hold file names (text of 1 to " + MAX_FILENAME
          + " characters without / or \\)");
      }
      names.add(name);
    }
    if (names.size() > maxFiles) {
      throw new PdmError(ErrorCode.PAYLOAD_TOO_LARGE, "A zip holds at most " + maxFiles + " files, not " + names.size(),
        new JsonObject().put("files", names.size()).put("maxFiles", maxFiles));
    }
    return List.copyOf(names);
  }

  /** Where each file's current revision lies on this node (storage fetches what it lacks), a few at a time. */
  private Future<List<BlobLocation>> locate(SessionUser user, List<String> names, int from, List<BlobLocation> found) {
    if (from >= names.size()) {
      return Future.succeededFuture(found);
    }
    List<Future<BlobLocation>> batch = names.subList(from, Math.min(names.size(), from + LOOKUPS_AT_ONCE)).stream()
      .map(name -> deletedContent.check(user, name).compose(v -> storage.content(new ContentQuery(name, null))))
      .toList();
    return Future.all(batch).compose(done -> {
      batch.forEach(f -> found.add(f.result()));
      return locate(user, names, from + LOOKUPS_AT_ONCE, found);
    });
  }

  private void stream(RoutingContext ctx, List<BlobLocation> blobs) {
    HttpServerResponse response = ctx.response();
    response.setChunked(true)
      .putHeader(HttpHeaders.CONTENT_TYPE, "application/zip")
      .putHeader(HttpHeaders.CONTENT_DISPOSITION, ContentDisposition.attachment("ncvault-" + blobs.size() + "-files.zip"));
    ResponseSink sink = new ResponseSink(ctx.vertx().getOrCreateContext(), response);
    workers.executeBlocking(() -> {
      write(blobs, sink);
      return null;
    }, false).onComplete(done -> {
      if (done.succeeded()) {
        response.end();
        return;
      }
      if (!response.headWritten()) {
        response.setChunked(false).headers().remove(HttpHeaders.CONTENT_DISPOSITION);
        ctx.fail(new PdmError(ErrorCode.UNAVAILABLE, "The zip could not be written: " + done.cause().getMessage()));
      } else if (!response.closed()) {
        // Half a zip must not look like a whole one: the client sees the transfer fail.
        LOG.warn("Zip of {} files broke off: {}", blobs.size(), done.cause().toString());
        response.reset();
      }
    });
  }

  private static void write(List<BlobLocation> blobs, ResponseSink sink) throws IOException {
    try (ZipOutputStream zip = new ZipOutputStream(sink)) {
      // NC programs are text and shrink a lot at the fastest level; more effort would cost CPU, not size.
      zip.setLevel(Deflater.BEST_SPEED);
      for (BlobLocation blob : blobs) {
        zip.putNextEntry(new ZipEntry(blob.filename()));
        Files.copy(Path.of(blob.path()), zip);
        zip.closeEntry();
      }
    }
  }
}
