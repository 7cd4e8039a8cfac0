package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.OwnerOnly;
import com.ncvault.contract.PdmError;
import io.netty.buffer.ByteBuf;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.streams.WriteStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes an upload to its staged file and computes its SHA-256 off the event loop, as a pipeline of
 * two stages that overlap: the event loop only queues the buffers it receives; one worker task
 * hashes them while another copies them into a large direct buffer and writes that to the file.
 * Each stage takes the bytes in order, one batch at a time per upload, at least
 * {@link #BATCH_BYTES} (or all that is left once the upload has ended), so a 1 GiB upload costs a
 * few hundred worker tasks and 1 MiB writes rather than one of each per network read.
 *
 * <p>While the file grows, what has been written is synced every {@link #EARLY_SYNC_BYTES} (in a
 * third task, beside the others): the disk then writes while the upload is still arriving, and the
 * sync that makes the staged file durable ({@code BlobStore.ingest}, before any 2xx) finds only
 * the tail left. A failed sync fails the upload, since a later sync would not report it again.
 *
 * <p>Back-pressure: a buffer is held until both stages are done with it; while {@link #HIGH_WATER}
 * bytes or more are held, {@link #writeQueueFull} is true and a pipe pauses the request, and the
 * drain handler runs once fewer than {@link #LOW_WATER} are held. A write that would pass the size
 * limit fails with 413. {@link #abort} closes and deletes the file, whatever state it is in.
 *
 * <p>Used from the event loop of the request.
 */
final class StagingSink implements WriteStream<Buffer> {

  private static final Logger LOG = LoggerFactory.getLogger(StagingSink.class);
  static final int HIGH_WATER = 8 * 1024 * 1024;
  static final int LOW_WATER = HIGH_WATER / 2;
  /** The least a stage takes at once while the upload is still arriving. */
  static final int BATCH_BYTES = 1024 * 1024;
  /** The most a stage takes at once, so that the two stages keep overlapping. */
  static final int MAX_BATCH_BYTES = 2 * 1024 * 1024;
  /** Written bytes between two syncs that start the disk writing early. */
  static final long EARLY_SYNC_BYTES = 64L * 1024 * 1024;
  private static final int WRITE_BUFFER_BYTES = 1024 * 1024;
  /** One direct buffer per worker thread: the bytes reach the file in large writes without a buffer per upload. */
  private static final ThreadLocal<ByteBuffer> WRITE_BUFFER =
    ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES));

  private final WorkerExecutor workers;
  private final Path path;
  private final long maxBytes;
  private final FileChannel channel;
  private final MessageDigest sha256;
  private final Stage hashing = new Stage(this::hash);
  private final Stage writing = new Stage(this::write);
  private long size;
  private long written;
  private long syncedUpTo;
  private boolean syncing;
  private boolean closed;
  private Throwable failure;
  private Handler<Void> drainHandler;
  private Handler<Throwable> exceptionHandler;
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

  /** Bytes received and not yet both hashed and written: what this upload holds in memory. */
  long held() {
    return Math.max(hashing.held(), writing.held());
  }

  /** Accepts the buffer into the pipeline; the future fails at once when the upload has failed or is over the limit. */
  @Override
  public Future<Void> write(Buffer data) {
    if (failure != null) {
      return Future.failedFuture(failure);
    }
    if (closed || ended != null) {
      return Future.failedFuture(new PdmError(ErrorCode.BAD_REQUEST, "The upload was already ended"));
    }
    if (size + data.length() > maxBytes) {
      stop(tooLarge(maxBytes));
      return Future.failedFuture(failure);
    }
    if (data.length() == 0) {
      return Future.succeededFuture();
    }
    size += data.length();
    hashing.add(data);
    writing.add(data);
    hashing.start(false);
    writing.start(false);
    return Future.succeededFuture();
  }

  /** In a worker: the hashing stage (one batch at a time, in order, so the digest sees the bytes in order). */
  private void hash(List<Buffer> batch) {
    for (Buffer buffer : batch) {
      ByteBuf bytes = ((BufferInternal) buffer).getByteBuf();
      if (bytes.hasArray()) {
        sha256.update(bytes.array(), bytes.arrayOffset() + bytes.readerIndex(), bytes.readableBytes());
      } else {
        sha256.update(bytes.nioBuffer());
      }
    }
  }

  /** In a worker: the writing stage, through this thread's direct buffer, 1 MiB per write. */
  private void write(List<Buffer> batch) throws IOException {
    ByteBuffer out = WRITE_BUFFER.get();
    out.clear();
    for (Buffer buffer : batch) {
      ByteBuffer in = ((BufferInternal) buffer).getByteBuf().nioBuffer();
      while (in.hasRemaining()) {
        if (!out.hasRemaining()) {
          drain(out);
        }
        int n = Math.min(in.remaining(), out.remaining());
        out.put(in.slice(in.position(), n));
        in.position(in.position() + n);
      }
    }
    drain(out);
  }

  private void drain(ByteBuffer out) throws IOException {
    out.flip();
    while (out.hasRemaining()) {
      channel.write(out);
    }
    out.clear();
  }

  /** On the event loop, after a batch of {@code stage} was processed (or failed). */
  private void batchDone(Stage stage, long bytes, AsyncResult<Void> done) {
    if (done.failed()) {
      fail("Writing an upload failed", done.cause());
    } else if (stage == writing) {
      written += bytes;
      syncEarly();
    }
    continueOrFinish();
  }

  private void continueOrFinish() {
    if (drainHandler != null && (held() < LOW_WATER || failure != null)) {
      // On failure too: a paused pipe then writes again, is refused and ends.
      Handler<Void> handler = drainHandler;
      drainHandler = null;
      handler.handle(null);
    }
    hashing.start(ended != null);
    writing.start(ended != null);
    finishIfEnded();
  }

  private void syncEarly() {
    if (syncing || failure != null || closed || written - syncedUpTo < EARLY_SYNC_BYTES) {
      return;
    }
    syncing = true;
    long upTo = written;
    workers.<Void>executeBlocking(() -> {
      channel.force(false);
      return null;
    }, false).onComplete(done -> {
      syncing = false;
      syncedUpTo = upTo;
      if (done.failed()) {
        fail("Syncing an upload failed", done.cause());
      }
      continueOrFinish();
    });
  }

  private void fail(String what, Throwable cause) {
    if (failure != null) {
      return;
    }
    LOG.warn("{}: {}", what, cause.toString());
    stop(new PdmError(ErrorCode.INTERNAL, "The upload could not be stored"));
    if (exceptionHandler != null) {
      exceptionHandler.handle(failure);
    }
  }

  /** Records why the upload failed and drops what has not been processed; batches in a worker finish. */
  private void stop(Throwable cause) {
    failure = cause;
    hashing.clear();
    writing.clear();
  }

  /** Completes when every byte is in the file; the file is then closed and its digest known. */
  @Override
  public Future<Void> end() {
    if (ended == null) {
      ended = Promise.promise();
      continueOrFinish();
    }
    return ended.future();
  }

  private void finishIfEnded() {
    if (ended == null || closed || !hashing.idle() || !writing.idle() || syncing) {
      return;
    }
    if (failure != null) {
      ended.tryFail(failure);
      return;
    }
    closed = true;
    workers.<String>executeBlocking(() -> {
      channel.close();
      return HexFormat.of().formatHex(sha256.digest());
    }, false).onComplete(done -> {
      if (done.succeeded()) {
        hex = done.result();
        ended.tryComplete();
      } else {
        ended.tryFail(new PdmError(ErrorCode.INTERNAL, "The upload could not be stored"));
      }
    });
  }

  /**
   * Stops writing, closes and deletes the staged file (in a worker; a batch being written then
   * fails and is ignored). Safe to call in any state, more than once.
   */
  Future<Void> abort() {
    stop(failure != null ? failure : new PdmError(ErrorCode.BAD_REQUEST, "The upload was interrupted"));
    if (ended != null && !closed) {
      ended.tryFail(failure);
    }
    return workers.<Void>executeBlocking(() -> {
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
    this.exceptionHandler = handler;
    return this;
  }

  @Override
  public StagingSink setWriteQueueMaxSize(int maxSize) {
    return this;
  }

  @Override
  public boolean writeQueueFull() {
    return held() >= HIGH_WATER;
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

  /** What a stage does with a batch, in a worker. */
  private interface BatchWork {
    void process(List<Buffer> batch) throws Exception;
  }

  /** One step every byte goes through in order: a queue, and at most one batch in a worker at a time. */
  private final class Stage {

    private final BatchWork work;
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long batchBytes;
    private boolean busy;

    Stage(BatchWork work) {
      this.work = work;
    }

    void add(Buffer buffer) {
      queue.add(buffer);
      queuedBytes += buffer.length();
    }

    long held() {
      return queuedBytes + batchBytes;
    }

    boolean idle() {
      return !busy && queue.isEmpty();
    }

    void clear() {
      queue.clear();
      queuedBytes = 0;
    }

    /** Hands the next batch to a worker when none is running and enough is queued ({@code all}: whatever is queued). */
    void start(boolean all) {
      if (busy || failure != null || closed || queuedBytes == 0 || (!all && queuedBytes < BATCH_BYTES)) {
        return;
      }
      List<Buffer> batch = new ArrayList<>();
      long bytes = 0;
      while (!queue.isEmpty() && bytes < MAX_BATCH_BYTES) {
        Buffer buffer = queue.poll();
        batch.add(buffer);
        bytes += buffer.length();
      }
      long taken = bytes;
      queuedBytes -= taken;
      batchBytes = taken;
      busy = true;
      workers.<Void>executeBlocking(() -> {
        work.process(batch);
        return null;
      }, false).onComplete(done -> {
        busy = false;
        batchBytes = 0;
        batchDone(this, taken, done);
      });
    }
  }
}
