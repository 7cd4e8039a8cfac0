package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to a file while computing the SHA-256 and size of what passed, refusing the write that
 * would exceed {@code maxBytes}. Back-pressure is the file's: a pipe pauses its source while the
 * file's write queue is full, so memory stays bounded whatever the upload size.
 */
final class DigestingWriteStream implements WriteStream<Buffer> {

  private static final Logger LOG = LoggerFactory.getLogger(DigestingWriteStream.class);

  private final AsyncFile file;
  private final long maxBytes;
  private final MessageDigest sha256;
  private long size;
  private String hex;
  private Future<Void> closing;

  DigestingWriteStream(AsyncFile file, long maxBytes) {
    this.file = file;
    this.maxBytes = maxBytes;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (closing != null) {
      return Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "The upload was already ended"));
    }
    long next = size + data.length();
    if (next > maxBytes) {
      return Future.failedFuture(tooLarge(maxBytes));
    }
    size = next;
    sha256.update(data.getBytes());
    return file.write(data).recover(t -> {
      LOG.warn("Writing an upload failed: {}", t.toString());
      return Future.failedFuture(new PdmError(ErrorCode.INTERNAL, "The upload could not be stored"));
    });
  }

  /** Flushes and closes the file; safe to call more than once (the pipe and an abort may both end it). */
  @Override
  public Future<Void> end() {
    if (closing == null) {
      closing = file.end();
    }
    return closing;
  }

  long size() {
    return size;
  }

  /** Lower-case hex SHA-256 of everything written; call once writing is over. */
  String sha256() {
    if (hex == null) {
      hex = HexFormat.of().formatHex(sha256.digest());
    }
    return hex;
  }

  // Once ended or closed (the pipe, an abort or a failed write may each close it), the file refuses
  // every call with IllegalStateException; a pipe being torn down still calls these, so they are
  // no-ops on a closed file.

  @Override
  public DigestingWriteStream exceptionHandler(Handler<Throwable> handler) {
    whileOpen(() -> file.exceptionHandler(handler));
    return this;
  }

  @Override
  public DigestingWriteStream setWriteQueueMaxSize(int maxSize) {
    whileOpen(() -> file.setWriteQueueMaxSize(maxSize));
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    boolean[] full = {false};
    whileOpen(() -> full[0] = file.writeQueueFull());
    return full[0];
  }

  @Override
  public DigestingWriteStream drainHandler(Handler<Void> handler) {
    whileOpen(() -> file.drainHandler(handler));
    return this;
  }

  private void whileOpen(Runnable call) {
    if (closing != null) {
      return;
    }
    try {
      call.run();
    } catch (IllegalStateException closedMeanwhile) {
      // the file was closed by the other side of the pipe; nothing is left to configure
    }
  }

  static PdmError tooLarge(long maxBytes) {
    return new PdmError(ErrorCode.PAYLOAD_TOO_LARGE, "The file is larger than the limit of " + maxBytes + " bytes",
      new JsonObject().put("maxUploadBytes", maxBytes));
  }
}
