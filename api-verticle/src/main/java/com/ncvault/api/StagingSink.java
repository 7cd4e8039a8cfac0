package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.OwnerOnly;
import com.ncvault.contract.PdmError;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an upload to its staged file and computes its SHA-256, both in a worker: the event loop
 * only collects the buffers it received and hands them over in batches, one batch at a time per
 * upload (so the bytes stay in order). Back-pressure: while more than {@link #HIGH_WATER} bytes
 * wait, {@link #writeQueueFull} is true and a pipe pauses the request. A write that would pass the
 * size limit fails with 413. {@link #abort} closes and deletes the file, whatever state it is in.
 *
 * <p>Used from the event loop of the request.
 */
final class StagingSink implements WriteStream<Buffer> {

  private static final Logger LOG = LoggerFactory.getLogger(StagingSink.class);
  static final int HIGH_WATER = 8 * 1024 * 1024;
  static final int LOW_WATER = HIGH_WATER / 2;

  private final WorkerExecutor workers;
  private final Path path;
  private final long maxBytes;
  private final FileChannel channel;
  private final MessageDigest sha256;
  private List<Buffer> pending = new ArrayList<>();
  private List<Promise<Void>> waiting = new ArrayList<>();
  private long pendingBytes;
  private long size;
  private boolean writing;
  private boolean closed;
  private Throwable failure;
  private Handler<Void> drainHandler;
  private Promise<Void> ended;
  private String hex;

  private StagingSink(WorkerExecutor workers, Path path, long maxBytes, FileChannel channel) {
    this.workers = workers;
    this.path = path;
    this.maxBytes = maxBytes;
    this.channel = channel;
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  /** Creates the staged file (it must not exist yet) in a worker. */
  static Future<StagingSink> open(WorkerExecutor workers, Path path, long maxBytes) {
    return workers.executeBlocking(() -> {
      if (!Files.isDirectory(path.getParent())) {
        OwnerOnly.createDirectories(path.getParent());
      }
      return new StagingSink(workers, path, maxBytes,
        OwnerOnly.createFile(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE));
    }, false);
  }

  Path path() {
    return path;
  }

  long size() {
    return size;
  }

  /** Lower-case hex SHA-256 of everything written; known once {@link #end} has completed. */
  String sha256() {
    return hex;
  }

  @Override
  public Future<Void> write(Buffer data) {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (closed || ended != null) {
      return Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "The upload was already ended"));
    }
    if (size + data.length() > maxBytes) {
      failure = tooLarge(maxBytes);
      return Future.failedFuture(failure);
    }
    size += data.length();
    pending.add(data);
    pendingBytes += data.length();
    Promise<Void> written = Promise.promise();
    waiting.add(written);
    flush();
    return written.future();
  }

  private void flush() {
    if (writing || pending.isEmpty() || closed) {
      return;
    }
    writing = true;
    List<Buffer> batch = pending;
    List<Promise<Void>> promises = waiting;
    pending = new ArrayList<>();
    waiting = new ArrayList<>();
    long batchBytes = batch.stream().mapToLong(Buffer::length).sum();
    workers.<Void>executeBlocking(() -> {
      for (Buffer buffer : batch) {
        ByteBuffer bytes = ((BufferInternal) buffer).getByteBuf().nioBuffer();
        sha256.update(bytes.duplicate());
        while (bytes.hasRemaining()) {
          channel.write(bytes);
        }
      }
      return null;
    }, false).onComplete(done -> {
      writing = false;
      pendingBytes -= batchBytes;
      if (done.failed() && failure == null) {
        LOG.warn("Writing an upload failed: {}", done.cause().toString());
        failure = new PdmError(ErrorCode.INTERNAL, "The upload could not be stored");
      }
      promises.forEach(p -> {
        if (failure != null) {
          p.tryFail(failure);
        } else {
          p.tryComplete();
        }
      });
      if (failure != null) {
        waiting.forEach(p -> p.tryFail(failure));
        waiting.clear();
        pending.clear();
      }
      if (drainHandler != null && pendingBytes < LOW_WATER) {
        Handler<Void> handler = drainHandler;
        drainHandler = null;
        handler.handle(null);
      }
      flush();
      finishIfEnded();
    });
  }

  /** Completes when every byte is in the file; the file is then closed and its digest known. */
  @Override
  public Future<Void> end() {
    if (ended == null) {
      ended = Promise.promise();
      finishIfEnded();
    }
    return ended.future();
  }

  private void finishIfEnded() {
    if (ended == null || writing || !pending.isEmpty() || closed) {
      return;
    }
    if (failure != null) {
      ended.tryFail(failure);
      return;
    }
    closed = true;
    workers.<Void>executeBlocking(() -> {
      channel.close();
      return null;
    }, false).onComplete(done -> {
      if (done.succeeded()) {
        hex = HexFormat.of().formatHex(sha256.digest());
        ended.tryComplete();
      } else {
        ended.tryFail(new PdmError(ErrorCode.INTERNAL, "The upload could not be stored"));
      }
    });
  }

  /**
   * Stops writing, closes and deletes the staged file (once what is being written is done, in a
   * worker). Safe to call in any state, more than once.
   */
  Future<Void> abort() {
    if (failure == null) {
      failure = new PdmError(ErrorCode.BAD_REQUEST, "The upload was interrupted");
    }
    pending.clear();
    waiting.forEach(p -> p.tryFail(failure));
    waiting.clear();
    return workers.<Void>executeBlocking(() -> {
      // Runs after the batch being written (if any) because close waits for the channel's writers.
      try {
        channel.close();
      } finally {
        Files.deleteIfExists(path);
      }
      return null;
    }, false).recover(e -> {
      LOG.warn("Removing an unfinished upload failed: {}", e.toString());
      return Future.succeededFuture();
    });
  }

  @Override
  public StagingSink exceptionHandler(Handler<Throwable> handler) {
    return this;
  }

  @Override
  public StagingSink setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return pendingBytes >= HIGH_WATER;
  }

  @Override
  public StagingSink drainHandler(Handler<Void> handler) {
    this.drainHandler = handler;
    return this;
  }

  /**
   * Ends an upload that failed: a refusal (a PdmError: too large, malformed form) is answered once
   * its staged file is gone, so the client never sees a refusal while a partial file remains; a
   * broken stream (the HTTP decoder rejected the body, the connection is closing) is answered at
   * once, while the connection may still carry the answer, and the file is deleted right after.
   * Either way the file is closed and deleted.
   */
  static <T> void failAndDiscard(Promise<T> result, StagingSink sink, Throwable cause) {
    if (cause instanceof PdmError refusal) {
      sink.abort().onComplete(v -> result.tryFail(refusal));
      return;
    }
    result.tryFail(new PdmError(ErrorCode.BAD_REQUEST, "The upload was interrupted or malformed"));
    sink.abort();
  }

  static PdmError tooLarge(long maxBytes) {
    return new PdmError(ErrorCode.PAYLOAD_TOO_LARGE, "The file is larger than the limit of " + maxBytes + " bytes",
      new JsonObject().put("maxUploadBytes", maxBytes));
  }
}
