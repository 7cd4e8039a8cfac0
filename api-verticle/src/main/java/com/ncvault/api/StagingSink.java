package com.ncvault.api;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.OwnerOnly;
import com.ncvault.contract.PdmError;
import com.sun.nio.file.ExtendedOpenOption;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
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
 * few hundred 1-2 MiB writes rather than one per network read. A stage's task goes on from batch
 * to batch while enough is queued, rather than waiting for the event loop after each: the round
 * trip (the report to the event loop, the next task queued and a worker woken) took about 0.9 ms
 * per batch here, where writing a 2 MiB batch took 1.4 ms.
 *
 * <p>Where the file system allows it the staged file is written with direct I/O ({@code O_DIRECT}):
 * the bytes go from the write buffer to the disk without a copy into the page cache, which was
 * the largest cost of an upload after the hash (a staged upload is read back later, if at all, and
 * a 1 GiB upload would otherwise push 1 GiB of other files out of the cache). Direct writes must
 * start and end on the file system's block bounds, so each batch writes its whole blocks and keeps
 * what is left for the next; the last block is written padded and the file cut to its size. Where
 * direct I/O is refused (tmpfs, some network file systems) the file is written through the cache.
 *
 * <p>A file written through the page cache is synced every {@link #EARLY_SYNC_BYTES} while it grows
 * (in a third task, beside the others): the disk then writes while the upload is still arriving,
 * and the sync that makes the staged file durable ({@code BlobStore.ingest}, before any 2xx) finds
 * only the tail left. A failed sync fails the upload, since a later sync would not report it again.
 * A file written with direct I/O is not synced early: its bytes reach the disk as they are
 * written, and a sync while direct writes went on held those writes up (measured here, 1 GiB
 * uploads of one repeated content: the write stage busy 1.8 s instead of 1.2 s, 470-530 MB/s
 * instead of 610-740).
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
  /** The largest block size direct I/O is used with; a file system with larger blocks is written through the cache. */
  static final int MAX_DIRECT_BLOCK = 64 * 1024;
  /** A whole batch and what the one before left over, in one write. */
  private static final int WRITE_BUFFER_BYTES = MAX_BATCH_BYTES + MAX_DIRECT_BLOCK;
  /**
   * One direct buffer per worker thread, aligned for direct I/O: the bytes reach the file in large
   * writes without a buffer per upload.
   */
  private static final ThreadLocal<ByteBuffer> WRITE_BUFFER = ThreadLocal.withInitial(
    () -> ByteBuffer.allocateDirect(WRITE_BUFFER_BYTES + MAX_DIRECT_BLOCK).alignedSlice(MAX_DIRECT_BLOCK));

  private final WorkerExecutor workers;
  /** The event loop the sink is used from, where the stages report. */
  private final Context loop;
  private final Path path;
  private final long maxBytes;
  private final FileChannel channel;
  /** The block size direct writes keep to; 1 when the file is written through the page cache. */
  private final int block;
  /** The bytes after the last whole block written (direct I/O only); only the writing stage touches them. */
  private final byte[] tail;
  private int tailLength;
  private final MessageDigest sha256;
  private final Stage hashing = new Stage(this::hash);
  private final Stage writing = new Stage(this::write);
  private long size;
  private long written;
  private long syncedUpTo;
  private boolean syncing;
  private int earlySyncs;
  /** Read by the stages' tasks too. */
  private volatile boolean closed;
  private volatile Throwable failure;
  private Handler<Void> drainHandler;
  private Handler<Throwable> exceptionHandler;
  private Promise<Void> ended;
  private String hex;

  private StagingSink(WorkerExecutor workers, Context loop, Path path, long maxBytes, FileChannel channel, int block) {
    this.workers = workers;
    this.loop = loop;
    this.path = path;
    this.maxBytes = maxBytes;
    this.channel = channel;
    this.block = block;
    this.tail = new byte[block > 1 ? block : 0];
    try {
      this.sha256 = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java runtime has SHA-256", e);
    }
  }

  /** Creates the staged file (it must not exist yet) in a worker; with direct I/O where the file system allows it. */
  static Future<StagingSink> open(WorkerExecutor workers, Path path, long maxBytes) {
    return open(workers, path, maxBytes, true);
  }

  /** As {@link #open(WorkerExecutor, Path, long)}; {@code direct} false writes through the page cache in any case. */
  static Future<StagingSink> open(WorkerExecutor workers, Path path, long maxBytes, boolean direct) {
    Context loop = Vertx.currentContext();
    if (loop == null) {
      throw new IllegalStateException("A staging sink is opened on the event loop that uses it");
    }
    return workers.executeBlocking(() -> {
      if (!Files.isDirectory(path.getParent())) {
        OwnerOnly.createDirectories(path.getParent());
      }
      FileChannel created = OwnerOnly.createFile(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      int block = direct ? directBlock(path.getParent()) : 1;
      if (block == 1) {
        return new StagingSink(workers, loop, path, maxBytes, created, 1);
      }
      try {
        FileChannel unbuffered = FileChannel.open(path, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT);
        created.close();
        return new StagingSink(workers, loop, path, maxBytes, unbuffered, block);
      } catch (IOException | UnsupportedOperationException refused) {
        LOG.info("Uploads to {} are written through the page cache: direct I/O was refused ({})", path.getParent(),
          refused.toString());
        lastDirectory = new DirectIo(path.getParent(), 1);
        return new StagingSink(workers, loop, path, maxBytes, created, 1);
      }
    }, false);
  }

  /** What was found about direct I/O in the directory uploads were last staged in (a node has one). */
  private record DirectIo(Path dir, int block) {
  }

  private static volatile DirectIo lastDirectory;

  /** The file system's block size in {@code dir} when direct writes can keep to it, else 1; looked up once per directory. */
  private static int directBlock(Path dir) {
    DirectIo known = lastDirectory;
    if (known != null && known.dir().equals(dir)) {
      return known.block();
    }
    int block;
    try {
      long size = Files.getFileStore(dir).getBlockSize();
      block = size > 1 && size <= MAX_DIRECT_BLOCK && Long.bitCount(size) == 1 ? (int) size : 1;
    } catch (IOException | UnsupportedOperationException unknown) {
      block = 1;
    }
    lastDirectory = new DirectIo(dir, block);
    return block;
  }

  /** Syncs started while the upload was arriving (before its end). */
  int earlySyncs() {
    return earlySyncs;
  }

  /** Whether the staged file is written with direct I/O (past the page cache). */
  boolean direct() {
    return block > 1;
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

  /**
   * In a worker: the writing stage, through this thread's direct buffer, one write per batch. With
   * direct I/O only whole blocks are written; the bytes after the last one wait for the next batch.
   */
  private void write(List<Buffer> batch) throws IOException {
    ByteBuffer out = WRITE_BUFFER.get();
    out.clear();
    out.put(tail, 0, tailLength);
    tailLength = 0;
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

  /** Writes the whole blocks the buffer holds and keeps the rest in {@link #tail}; the buffer is then empty. */
  private void drain(ByteBuffer out) throws IOException {
    int whole = out.position() - out.position() % block;
    out.flip();
    if (whole < out.limit()) {
      out.get(whole, tail, tailLength, out.limit() - whole);
      tailLength += out.limit() - whole;
      out.limit(whole);
    }
    while (out.hasRemaining()) {
      channel.write(out);
    }
    out.clear();
  }

  /** In a worker, once every batch is written: the last part block, padded to a whole one, then the file cut to its size. */
  private void writeTail() throws IOException {
    if (tailLength == 0) {
      return;
    }
    ByteBuffer out = WRITE_BUFFER.get();
    out.clear();
    out.put(tail, 0, tailLength);
    while (out.position() < block) {
      out.put((byte) 0);
    }
    out.flip();
    while (out.hasRemaining()) {
      channel.write(out);
    }
    channel.truncate(size);
    tailLength = 0;
  }

  /** On the event loop, after a batch of {@code stage} was processed ({@code failed} null) or failed. */
  private void batchDone(Stage stage, long bytes, Throwable failed) {
    if (failed != null) {
      fail("Writing an upload failed", failed);
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
    if (direct() || syncing || failure != null || closed || written - syncedUpTo < EARLY_SYNC_BYTES) {
      return;
    }
    syncing = true;
    earlySyncs++;
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
      try (channel) {
        writeTail();
      }
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

  /**
   * One step every byte goes through in order: a queue the event loop fills, and at most one task
   * in a worker that takes batches from it, in order, for as long as enough is queued, so a stage
   * does not wait for the event loop between two batches. The queue and its counts are shared with
   * that task under the stage's lock; the task reports each batch to the event loop without waiting.
   */
  private final class Stage {

    private final BatchWork work;
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private long queuedBytes;
    private long batchBytes;
    private boolean running;
    /** The upload has ended: whatever is queued goes, however little. */
    private boolean all;

    Stage(BatchWork work) {
      this.work = work;
    }

    synchronized void add(Buffer buffer) {
      queue.add(buffer);
      queuedBytes += buffer.length();
    }

    synchronized long held() {
      return queuedBytes + batchBytes;
    }

    synchronized boolean idle() {
      return !running && queue.isEmpty();
    }

    synchronized void clear() {
      queue.clear();
      queuedBytes = 0;
    }

    /** Whether a batch may go now; under the lock. */
    private boolean ready() {
      return failure == null && !closed && queuedBytes > 0 && (all || queuedBytes >= BATCH_BYTES);
    }

    /** On the event loop: starts the stage's task when none runs and enough is queued ({@code all}: whatever is queued). */
    void start(boolean all) {
      synchronized (this) {
        this.all |= all;
        if (running || !ready()) {
          return;
        }
        running = true;
      }
      workers.<Void>executeBlocking(() -> {
        run();
        return null;
      }, false).onComplete(stopped -> continueOrFinish());
    }

    /** In a worker: one batch after the other while enough is queued; each is reported to the event loop. */
    private void run() {
      while (true) {
        List<Buffer> batch = new ArrayList<>();
        long taken = 0;
        synchronized (this) {
          if (!ready()) {
            running = false;
            return;
          }
          while (!queue.isEmpty() && taken < MAX_BATCH_BYTES) {
            Buffer buffer = queue.poll();
            batch.add(buffer);
            taken += buffer.length();
          }
          queuedBytes -= taken;
          batchBytes = taken;
        }
        Throwable failed = null;
        try {
          work.process(batch);
        } catch (Exception | Error e) {
          failed = e;
        }
        long bytes = taken;
        Throwable cause = failed;
        synchronized (this) {
          batchBytes = 0;
          if (cause != null) {
            running = false;
          }
        }
        loop.runOnContext(v -> batchDone(this, bytes, cause));
        if (cause != null) {
          return;
        }
      }
    }
  }
}
