package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import java.nio.file.Path;
import java.util.Locale;
import java.util.UUID;

/**
 * Receives multipart uploads by streaming the one file part to {@code <dataDir>/incoming/<uuid>.part}
 * (never buffering it), and hands back the staged file with its size and SHA-256.
 */
final class Uploads {

  /** Room for the multipart framing and the small form fields around the file part. */
  static final long FORM_OVERHEAD_BYTES = 1024 * 1024;

  private final Vertx vertx;
  private final Path incomingDir;
  private final long maxBytes;

  Uploads(Vertx vertx, Path incomingDir, long maxBytes) {
    this.vertx = vertx;
    this.incomingDir = incomingDir;
    this.maxBytes = maxBytes;
  }

  /** Reads the paused request; the future fails with a 4xx PdmError (and no file left behind) on bad input. */
  Future<ReceivedUpload> receive(HttpServerRequest request) {
    String contentType = request.getHeader(HttpHeaders.CONTENT_TYPE);
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "Send the file as multipart/form-data"));
    }
    String boundary = MultipartTail.boundaryOf(contentType);
    if (boundary == null) {
      return Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "The multipart Content-Type has no boundary"));
    }
    if (declaredLength(request) > maxBytes + FORM_OVERHEAD_BYTES) {
      return Future.failedFuture(DigestingWriteStream.tooLarge(maxBytes));
    }
    if ("100-continue".equalsIgnoreCase(request.getHeader(HttpHeaders.EXPECT))) {
      request.response().writeContinue();
    }
    Path part = incomingDir.resolve(UUID.randomUUID() + ".part").toAbsolutePath();
    return vertx.fileSystem().mkdirs(incomingDir.toString())
      .compose(v -> vertx.fileSystem().open(part.toString(), new OpenOptions().setWrite(true).setCreateNew(true)))
      .compose(file -> new UploadReceiver(vertx, request, file, part, maxBytes, boundary).receive());
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
