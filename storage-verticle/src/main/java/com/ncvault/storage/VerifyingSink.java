package com.ncvault.storage;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.streams.WriteStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * Writes content arriving from another node to a file while computing its SHA-256, refusing
 * anything beyond the expected size. Back-pressure is the file's, so memory stays bounded.
 */
final class VerifyingSink implements WriteStream<Buffer> {

  private final AsyncFile file;
  private final long expectedSize;
  private final MessageDigest digest;
  private long size;
  private Future<Void> closing;
  private Throwable refusal;

  VerifyingSink(AsyncFile file, long expectedSize) {
    this.file = file;
    this.expectedSize = expectedSize;
    try {
      this.digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (closing != null) {
      return Future.failedFuture(new IllegalStateException("the copy is closed"));
    }
    size += data.length();
    if (size > expectedSize) {
      refusal = new IllegalStateException("more than the expected " + expectedSize + " bytes");
      return Future.failedFuture(refusal);
    }
    digest.update(data.getBytes());
    return file.write(data).onFailure(e -> refusal = e);
  }

  /** Why this sink refused data (too much, or the file could not be written), or null. */
  Throwable refusal() {
    return refusal;
  }

  /** Closes the file; safe to call more than once (the pipe and a failure may both end it). */
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

  /** Lower-case hex SHA-256 of everything written; call once, when writing is over. */
  String sha256() {
    return HexFormat.of().formatHex(digest.digest());
  }

  @Override
  public VerifyingSink exceptionHandler(Handler<Throwable> handler) {
    if (closing == null) {
      file.exceptionHandler(handler);
    }
    return this;
  }

  @Override
  public VerifyingSink setWriteQueueMaxSize(int maxSize) {
    if (closing == null) {
      file.setWriteQueueMaxSize(maxSize);
    }
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return closing == null && file.writeQueueFull();
  }

  @Override
  public VerifyingSink drainHandler(Handler<Void> handler) {
    if (closing == null) {
      file.drainHandler(handler);
    }
    return this;
  }
}
