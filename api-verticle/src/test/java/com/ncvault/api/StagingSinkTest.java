package com.ncvault.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ncvault.contract.ErrorCode;
import com.ncvault.contract.PdmError;
import com.sun.nio.file.ExtendedOpenOption;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The staging pipeline on its own: whatever the sizes of the pieces an upload arrives in, the
 * staged file holds exactly those bytes and the digest is theirs; memory stays bounded by the
 * back-pressure mark; an aborted upload leaves no file. A pipeline that loses track of its bytes
 * never ends, so each test has a time limit.
 */
@Timeout(60)
class StagingSinkTest {

  private static final long NO_LIMIT = Long.MAX_VALUE;

  private static Vertx vertx;
  private static WorkerExecutor workers;
  private static Context loop;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    workers = vertx.createSharedWorkerExecutor("pdm-upload-test", 4);
    loop = vertx.getOrCreateContext();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  /** Runs {@code action} on the event loop the sink belongs to and waits for its future. */
  private static <T> T onLoop(Supplier<Future<T>> action) {
    Promise<T> result = Promise.promise();
    loop.runOnContext(v -> action.get().onComplete(result));
    return result.future().await();
  }

  private StagingSink open(String name, long maxBytes) {
    return onLoop(() -> StagingSink.open(workers, dir.resolve(name), maxBytes));
  }

  /** Pieces of pseudo-random content whose sizes cross the batch, write-buffer and early-sync bounds. */
  private static List<Buffer> pieces(long seed, int... sizes) {
    SplittableRandom random = new SplittableRandom(seed);
    List<Buffer> pieces = new ArrayList<>();
    for (int size : sizes) {
      byte[] bytes = new byte[size];
      random.nextBytes(bytes);
      pieces.add(Buffer.buffer(bytes));
    }
    return pieces;
  }

  /** {@code count} pieces of {@code size} bytes each (content from one seed). */
  private static List<Buffer> same(int count, int size) {
    int[] sizes = new int[count];
    Arrays.fill(sizes, size);
    return pieces(6, sizes);
  }

  private static String sha256(List<Buffer> pieces) throws Exception {
    MessageDigest digest = MessageDigest.getInstance("SHA-256");
    pieces.forEach(piece -> digest.update(piece.getBytes()));
    return HexFormat.of().formatHex(digest.digest());
  }

  private static byte[] concat(List<Buffer> pieces) {
    Buffer all = Buffer.buffer();
    pieces.forEach(all::appendBuffer);
    return all.getBytes();
  }

  /**
   * Writes the pieces as a pipe does (pausing while the queue is full, going on when drained) and
   * ends the sink; records the largest amount the sink held.
   */
  private static final class Feeder {
    private final StagingSink sink;
    private final List<Buffer> pieces;
    private final Promise<Void> done = Promise.promise();
    private int next;
    long mostHeld;
    long heldAtDrain = -1;
    int pauses;

    Feeder(StagingSink sink, List<Buffer> pieces) {
      this.sink = sink;
      this.pieces = pieces;
    }

    Future<Void> run() {
      feed();
      return done.future();
    }

    private void feed() {
      while (next < pieces.size()) {
        Future<Void> accepted = sink.write(pieces.get(next++));
        if (accepted.failed()) {
          done.tryFail(accepted.cause());
          return;
        }
        mostHeld = Math.max(mostHeld, sink.held());
        if (sink.writeQueueFull()) {
          pauses++;
          sink.drainHandler(v -> {
            heldAtDrain = Math.max(heldAtDrain, sink.held());
            feed();
          });
          return;
        }
      }
      sink.end().onComplete(done);
    }
  }

  private void assertStagedExactly(List<Buffer> pieces) throws Exception {
    assertStagedExactly(pieces, true);
  }

  private StagingSink assertStagedExactly(List<Buffer> pieces, boolean direct) throws Exception {
    StagingSink sink = onLoop(() -> StagingSink.open(workers, dir.resolve((direct ? "direct" : "cached") + ".part"),
      NO_LIMIT, direct));
    assertThat(sink.direct()).as("direct I/O where the test's file system allows it")
      .isEqualTo(direct && directIoWorksIn(dir));
    onLoop(() -> new Feeder(sink, pieces).run());
    byte[] expected = concat(pieces);
    assertThat(sink.size()).isEqualTo(expected.length);
    assertThat(sink.sha256()).isEqualTo(sha256(pieces));
    assertThat(Files.readAllBytes(sink.path())).isEqualTo(expected);
    return sink;
  }

  @Test
  void anEmptyUploadIsAnEmptyFileWithTheDigestOfNothing() throws Exception {
    assertStagedExactly(List.of());
  }

  @Test
  void smallPiecesBelowOneBatchAreWrittenAndHashedWhenTheUploadEnds() throws Exception {
    assertStagedExactly(pieces(1, 1, 7, 8192, 0, 65_536, 3));
  }

  @Test
  void piecesCrossingBatchAndWriteBufferBoundsArriveInOrderWithTheRightDigest() throws Exception {
    int batch = StagingSink.BATCH_BYTES;
    assertStagedExactly(pieces(2, batch - 1, 2, batch + 1, 65_536, StagingSink.MAX_BATCH_BYTES + 5, 1,
      3 * batch, 17, 65_536, 65_535, batch));
  }

  @Test
  void manyPiecesOfRandomSizesMakeTheExactFileDirectAndThroughTheCache() throws Exception {
    SplittableRandom random = new SplittableRandom(11);
    int[] sizes = new int[300];
    for (int i = 0; i < sizes.length; i++) {
      sizes[i] = 1 + random.nextInt(160 * 1024);
    }
    List<Buffer> pieces = pieces(12, sizes);
    assertStagedExactly(pieces, true);
    assertStagedExactly(pieces, false);
  }

  @Test
  void anUploadOfWholeFileSystemBlocksIsNotPadded() throws Exception {
    int block = (int) Files.getFileStore(dir).getBlockSize();
    assertStagedExactly(pieces(4, block, 3 * block, StagingSink.BATCH_BYTES - 4 * block, block));
  }

  @Test
  void throughThePageCacheTheSamePiecesAreStagedExactly() throws Exception {
    int batch = StagingSink.BATCH_BYTES;
    assertStagedExactly(pieces(5, 1, batch - 1, 2, batch + 1, 65_536, 3 * batch, 17), false);
  }

  /**
   * Whether a file in {@code dir} can be opened for direct I/O (this machine's disk can; tmpfs
   * could not before Linux 6.6): what the sink should find for itself.
   */
  private static boolean directIoWorksIn(Path dir) throws IOException {
    Path probe = Files.createTempFile(dir, "direct", ".probe");
    try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT)) {
      return channel.isOpen();
    } catch (IOException | UnsupportedOperationException refused) {
      return false;
    } finally {
      Files.delete(probe);
    }
  }

  /** Pieces of pseudo-random content, more in all than the early-sync interval. */
  private static List<Buffer> longerThanTheEarlySyncInterval() {
    int piece = 64 * 1024 + 13;
    int count = (int) (StagingSink.EARLY_SYNC_BYTES / piece) + 200;
    List<Buffer> pieces = new ArrayList<>();
    SplittableRandom random = new SplittableRandom(3);
    for (int i = 0; i < count; i++) {
      byte[] bytes = new byte[piece];
      random.nextBytes(bytes);
      pieces.add(Buffer.buffer(bytes));
    }
    return pieces;
  }

  @Test
  void anUploadLongerThanTheEarlySyncIntervalIsStagedExactlyAndSyncedEarlyOnlyThroughThePageCache()
    throws Exception {
    List<Buffer> pieces = longerThanTheEarlySyncInterval();
    StagingSink cached = assertStagedExactly(pieces, false);
    assertThat(cached.earlySyncs()).as("syncs while a cached upload arrived").isPositive();
    StagingSink direct = assertStagedExactly(pieces, true);
    if (direct.direct()) {
      assertThat(direct.earlySyncs()).as("syncs while a direct upload arrived").isZero();
    }
  }

  @Test
  void aWriterThatKeepsWritingIsPausedAtTheHighWaterMarkAndResumedBelowTheLowOne() throws Exception {
    List<Buffer> pieces = same(3 * StagingSink.HIGH_WATER / (64 * 1024), 64 * 1024);
    StagingSink sink = open("bounded.part", NO_LIMIT);
    Feeder feeder = new Feeder(sink, pieces);
    onLoop(feeder::run);
    assertThat(feeder.pauses).as("the pipeline filled up at least once").isPositive();
    assertThat(feeder.mostHeld).isLessThanOrEqualTo(StagingSink.HIGH_WATER);
    assertThat(feeder.heldAtDrain).isLessThan(StagingSink.LOW_WATER);
    assertThat(sink.sha256()).isEqualTo(sha256(pieces));
  }

  @Test
  @Timeout(30)
  void aWriteOverTheLimitIsRefusedWith413AndTheEndFailsTheSameWay() {
    StagingSink sink = open("limit.part", 100);
    Throwable refused = onLoop(() -> {
      sink.write(Buffer.buffer(new byte[60]));
      return sink.write(Buffer.buffer(new byte[41])).transform(r -> Future.succeededFuture(r.cause()));
    });
    assertThat(refused).isInstanceOf(PdmError.class);
    assertThat(((PdmError) refused).code()).isEqualTo(ErrorCode.PAYLOAD_TOO_LARGE);
    // what a pipe does next: end the sink, whose queued 60 bytes will never be written
    Throwable ended = onLoop(() -> sink.end().transform(r -> Future.succeededFuture(r.cause())));
    assertThat(ended).isSameAs(refused);
    onLoop(sink::abort);
    assertThat(sink.path()).doesNotExist();
  }

  @Test
  @Timeout(30)
  void anAbortWhileBatchesAreInFlightRemovesTheStagedFileAndRefusesWhatFollows() throws IOException {
    StagingSink sink = open("aborted.part", NO_LIMIT);
    List<Buffer> pieces = same(64, 256 * 1024);
    Throwable afterAbort = onLoop(() -> {
      pieces.forEach(sink::write);
      Future<Void> ending = sink.end();
      return sink.abort()
        .compose(v -> ending.transform(r -> Future.succeededFuture(r.cause())));
    });
    assertThat(afterAbort).as("the end of an aborted upload fails").isNotNull();
    assertThat(sink.path()).doesNotExist();
    assertThat(Files.list(dir)).isEmpty();
    assertThatThrownBy(() -> onLoop(() -> sink.write(Buffer.buffer("more")))).isNotNull();
  }
}
