package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * Receives uploads by streaming the file to {@code <dataDir>/incoming/<uuid>.part} (never
 * buffering it), written and hashed in a worker ({@link StagingSink}), and hands back the staged
 * file with its size and SHA-256. Two forms: the file as the whole request body
 * ({@code application/octet-stream}, the fields in the query string; what the web page sends) and
 * multipart/form-data with one file part (for other clients). A user has at most
 * {@code maxUploadsPerUser} uploads being received at once (429 beyond).
 */
final class Uploads {

  /** Room for the multipart framing and the small form fields around the file part. */
  static final long FORM_OVERHEAD_BYTES = 1024 * 1024;
  static final String RAW = "application/octet-stream";

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final Path incomingDir;
  private final long maxBytes;
  private final UploadSlots slots;

  Uploads(Vertx vertx, Path incomingDir, long maxBytes, UploadSlots slots) {
    this.vertx = vertx;
    this.workers = vertx.createSharedWorkerExecutor("pdm-upload", 4);
    this.incomingDir = incomingDir;
    this.maxBytes = maxBytes;
    this.slots = slots;
  }

  /**
   * Reads the paused request of {@code user}; the future fails with a 4xx PdmError (and no file
   * left behind) on bad input, and whenever the request ends otherwise than complete: refused,
   * truncated, malformed (chunking the decoder rejects), reset, timed out. The user's upload slot is
   * held until the returned future completes.
   */
  Future<ReceivedUpload> receive(HttpServerRequest request, String user) {
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
    boolean raw = type.startsWith(RAW);
    String boundary = raw ? null : MultipartTail.boundaryOf(contentType);
    if (!raw && !type.startsWith("multipart/form-data")) {
      return Future.failedFuture(new PdmError(ErrorCode.UNSUPPORTED_MEDIA_TYPE,
        "Send the file as the request body (application/octet-stream) or as multipart/form-data"));
    }
    if (!raw && boundary == null) {
      return Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "The multipart Content-Type has no boundary"));
    }
    if (declaredLength(request) > maxBytes + (raw ? 0 : FORM_OVERHEAD_BYTES)) {
      return Future.failedFuture(StagingSink.tooLarge(maxBytes));
    }
    if (!slots.take(user)) {
      return Future.failedFuture(new PdmError(ErrorCode.TOO_MANY_REQUESTS, "You have " + slots.perUser()
        + " uploads running already; wait for one to finish", new JsonObject().put("retryAfterSeconds", 5)));
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      request.response().writeContinue();
    }
    // From here on every way the request can end must end the upload: the connection may close (a
    // reset, the idle timeout, a malformed body the HTTP decoder gave up on) before a receiver reads
    // a byte, while the staged file is being created, or while it is written.
    Promise<Void> connectionLost = Promise.promise();
    if (request.response().closed()) {
      slots.give(user);
      return Future.failedFuture(closed());
    }
    request.response().closeHandler(v -> connectionLost.tryFail(closed()));
    request.exceptionHandler(connectionLost::tryFail);
    Path part = incomingDir.resolve(UUID.randomUUID() + ".part").toAbsolutePath();
    return StagingSink.open(workers, part, maxBytes)
      .compose(sink -> raw ? new RawUploadReceiver(request, sink, connectionLost.future()).receive()
        : new UploadReceiver(request, sink, boundary, connectionLost.future()).receive())
      .andThen(done -> slots.give(user));
  }

  private static PdmError closed() {
    return new PdmError(ErrorCode.BAD_REQUEST, "The upload ended before it was complete: the connection closed");
  }

  /** Deletes a staged file that storage never received. */
  Future<Void> discard(String path) {
    return vertx.fileSystem().delete(path).recover(t -> Future.succeededFuture());
  }

  private static long declaredLength(HttpServerRequest request) {
    String value = request.getHeader(HttpHeaders.CONTENT_LENGTH);
    try {
      return value == null ? -1 : Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
