package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.Addresses;
import com.ncvault.contract.ConfigKeys;
import com.ncvault.contract.WsCloseCodes;
import io.netty.util.internal.PlatformDependent;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.File;
import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every frame a client sends counts, and nothing the node writes to a socket grows without bound.
 * A viewer whose client floods ping frames and never reads, one that sends a fragmented message
 * without end, one that keeps sending frames far over the size limit, one that opens socket after
 * socket: while each attack runs, another user's socket
 * receives a lock within a few hundred milliseconds of the request, the flooding connections are
 * dropped within a second, and the node's memory and open files stay where they were.
 */
class SocketFloodTest {

  private static final String FILE = "1000001_LOCKS.nc";
  private static final long ATTACK_MS = 4_000;
  /** Two such sockets ran a node out of memory in about ten seconds before every frame counted. */
  private static final int ATTACKERS = 2;
  private static final int MAX_SOCKETS = 20;
  /**
   * What the node may hold under attack, once garbage is collected (heap and direct buffers), beyond
   * what it holds once the attack is over: what it keeps for the attackers' connections.
   */
  private static final long ATTACK_MARGIN = 16L << 20;
  /**
   * The same against the memory before the attack, which a first test also spends on warming up: 14 to
   * 17 MiB in the first test, 2 to 7 in the others, mostly direct buffers (Netty's pool and the recent
   * events' frames). Keeping each refused
   * socket's connection would add about 11 KiB per socket, over 40 MiB for the thousands an attack opens.
   * The test's own clients keep no messages, or their heap would count as the node's.
   */
  private static final long GROWTH_MARGIN = 32L << 20;
  private static final int LEAK_MARGIN = 40;
  /**
   * A connection's life as its client sees it: the takeover of the socket, the frames up to the limit,
   * then wsCloseGraceMs (250 ms). Well under a second on a quiet machine; the margin is for two cores
   * shared with other builds.
   */
  private static final long DROPPED_WITHIN_MS = 1_500;

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static String alice;
  private static String bob;
  private static String mallory;
  private static boolean locked;

  /** What a run under attack measured. */
  private record Run(List<Long> lockMs, List<Long> fanOutMs, long peakBytes, long baseBytes, long retainedBytes,
                     long afterBytes, long filesBefore,
                     long filesAfter, List<Long> connectionMs, int maxConnections) {

    static long percentile(List<Long> values, int p) {
      List<Long> sorted = new ArrayList<>(values);
      Collections.sort(sorted);
      return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(p / 100.0 * sorted.size()) - 1));
    }

    long longestConnection() {
      return connectionMs.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    @Override
    public String toString() {
      return String.format("%d locks: request to bob p50 %d ms, p90 %d ms, max %d ms; answer to bob p50 %d ms, "
          + "p90 %d ms, max %d ms; memory %d MiB before, peak %d MiB, "
          + "%d MiB after a GC under attack, %d MiB after it; open files %d -> %d; %d attack connections, longest %d ms; "
          + "at most %d sockets on the node", lockMs.size(), percentile(lockMs, 50), percentile(lockMs, 90),
        Collections.max(lockMs), percentile(fanOutMs, 50), percentile(fanOutMs, 90), Collections.max(fanOutMs),
        baseBytes >> 20, peakBytes >> 20, retainedBytes >> 20, afterBytes >> 20, filesBefore, filesAfter, connectionMs.size(),
        longestConnection(), maxConnections);
    }
  }

  /** One attacker's loop; runs until {@code stop}, reporting how long each connection of its lived. */
  private interface Attack {
    void run(AtomicBoolean stop, List<Long> connectionMs, Set<RawWebSocket> open) throws IOException;
  }

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    node = TestNode.start(vertx, new JsonObject().put(ConfigKeys.WS_MAX_SOCKETS_PER_USER, MAX_SOCKETS))
      .await(60, TimeUnit.SECONDS);
    api = new NodeApi(vertx, node.port());
    String admin = api.adminToken().await();
    alice = api.createUser(admin, "alice", "programmer").await();
    bob = api.createUser(admin, "bob", "viewer").await();
    mallory = api.createUser(admin, "mallory", "viewer").await();
    api.create(alice, FILE, Buffer.buffer("G21\n".repeat(64))).await();
    // A first change through a live socket, so that no test measures a node still warming up.
    DeltaSocket warmUp = DeltaSocket.connect(vertx, node.port(), bob, -1).await(30, TimeUnit.SECONDS);
    lockReachesBob(warmUp, 60);
    warmUp.close().await();
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close().await();
    vertx.close().await();
  }

  @Test
  void aClientThatFloodsPingsAndNeverReadsIsDroppedWithinASecondWhileBobSeesEveryLockOnTime() throws Exception {
    byte[] pings = RawWebSocket.frames(RawWebSocket.PING, true, new byte[125], 64);
    Run run = underAttack((stop, connectionMs, open) -> {
      try (RawWebSocket ws = RawWebSocket.connect(node.port(), mallory)) {
        open.add(ws);
        flood(stop, connectionMs, () -> ws.sendRaw(pings));
        open.remove(ws);
      }
    });
    System.out.println("Ping flood: " + run);
    assertBobServedAndNodeBounded(run);
    assertThat(run.connectionMs()).as("flooding connections").hasSizeGreaterThanOrEqualTo(ATTACKERS);
    assertThat(run.longestConnection()).as("ms until a flooding connection is dropped").isLessThan(DROPPED_WITHIN_MS);
  }

  @Test
  void aFragmentedMessageWithoutEndIsDroppedWhileBobSeesEveryLockOnTime() throws Exception {
    byte[] part = new byte[16 * 1024];
    byte[] parts = RawWebSocket.frames(RawWebSocket.CONTINUATION, false, part, 4);
    Run run = underAttack((stop, connectionMs, open) -> {
      try (RawWebSocket ws = RawWebSocket.connect(node.port(), mallory)) {
        open.add(ws);
        ws.send(RawWebSocket.BINARY, false, part);
        flood(stop, connectionMs, () -> ws.sendRaw(parts));
        open.remove(ws);
      }
    });
    System.out.println("Continuation flood: " + run);
    assertBobServedAndNodeBounded(run);
    assertThat(run.connectionMs()).as("flooding connections").hasSizeGreaterThanOrEqualTo(ATTACKERS);
    assertThat(run.longestConnection()).as("ms until a flooding connection is dropped").isLessThan(DROPPED_WITHIN_MS);
  }

  @Test
  void clientsStillSendingOversizeFramesReadTheirCloseCodeWhileBobSeesEveryLockOnTime() throws Exception {
    // More than the kernel's buffers take while the node reads nothing: each client is still writing
    // when the node refuses its frame. Closing with the rest unread would reset the connection, and
    // the client's write would fail before it could read 1009 (recorded as -1 here).
    List<Integer> codes = new CopyOnWriteArrayList<>();
    Run run = underAttack((stop, connectionMs, open) -> {
      try (RawWebSocket ws = RawWebSocket.connect(node.port(), mallory)) {
        open.add(ws);
        long start = System.nanoTime();
        ws.awaitFirstMessage();
        int code;
        try {
          ws.sendZeros(16L * 1024 * 1024);
          code = ws.closeCode();
        } catch (IOException reset) {
          code = -1;
        }
        codes.add(code);
        connectionMs.add((System.nanoTime() - start) / 1_000_000);
        open.remove(ws);
      }
    });
    System.out.println("Oversize frames: " + run + "; " + codes.size() + " close codes");
    assertBobServedAndNodeBounded(run);
    assertThat(codes).as("close codes read by the clients of 16 MiB frames").hasSizeGreaterThanOrEqualTo(ATTACKERS)
      .containsOnly((int) WsCloseCodes.TOO_BIG);
    assertThat(run.longestConnection()).as("ms until an oversize frame's connection is closed")
      .isLessThan(DROPPED_WITHIN_MS);
  }

  @Test
  void anUnmaskedFrameIsAProtocolErrorWithItsCloseCode() throws Exception {
    try (RawWebSocket ws = RawWebSocket.connect(node.port(), mallory)) {
      ws.awaitFirstMessage();
      // a client's frames must be masked (RFC 6455, 5.1)
      ws.sendRaw(new byte[] {(byte) 0x81, 4, 'p', 'i', 'n', 'g'});
      assertThat(ws.closeCode()).isEqualTo(WsCloseCodes.PROTOCOL);
    }
  }

  @Test
  void aUserCannotOpenMoreThanTwentySocketsWhileBobSeesEveryLockOnTime() throws Exception {
    List<DeltaSocket> allowed = new ArrayList<>();
    try {
      capHoldsWhileMalloryOpensSocketAfterSocket(allowed);
    } finally {
      for (DeltaSocket socket : allowed) {
        socket.close().otherwiseEmpty().await();
      }
    }
  }

  private static void capHoldsWhileMalloryOpensSocketAfterSocket(List<DeltaSocket> allowed) throws Exception {
    for (int i = 0; i < MAX_SOCKETS; i++) {
      // they read every change, as open pages do, and keep none: this JVM's heap is measured as the node's
      allowed.add(DeltaSocket.connectKeepingNothing(vertx, node.port(), mallory).await(10, TimeUnit.SECONDS));
    }
    Waiting.until(vertx, 30_000, "mallory's sockets are open", () -> connections().map(n -> n == MAX_SOCKETS))
      .await();
    List<Integer> refusals = new CopyOnWriteArrayList<>();
    Run run = underAttack((stop, connectionMs, open) -> {
      while (!stop.get()) {
        try (RawWebSocket ws = RawWebSocket.connect(node.port(), mallory)) {
          refusals.add(ws.closeCode());
        }
      }
    });
    System.out.println("Socket after socket: " + run + "; " + refusals.size() + " refused");
    assertBobServedAndNodeBounded(run);
    assertThat(refusals).as("close codes of the sockets beyond the cap").hasSizeGreaterThan(10)
      .containsOnly((int) WsCloseCodes.TOO_MANY_SOCKETS);
    assertThat(run.maxConnections()).as("sockets on the node: mallory's twenty and bob's").isLessThanOrEqualTo(
      MAX_SOCKETS + 1);
    assertThat(allowed).as("mallory's first twenty stay open").allSatisfy(s -> assertThat(s.closed().isComplete())
      .isFalse());

    // once one of them is closed, the user may open another
    allowed.remove(0).close().await();
    Waiting.until(vertx, 10_000, "one of mallory's sockets is gone", () -> connections().map(n -> n == MAX_SOCKETS - 1))
      .await();
    DeltaSocket again = DeltaSocket.connectKeepingNothing(vertx, node.port(), mallory).await(10, TimeUnit.SECONDS);
    allowed.add(again);
    Waiting.until(vertx, 10_000, "mallory's new socket is open", () -> connections().map(n -> n == MAX_SOCKETS))
      .await();
    assertThat(again.closed().isComplete()).isFalse();
  }

  // ---------------------------------------------------------------- the attack and what is measured

  private interface Write {
    void send() throws IOException;
  }

  /** Writes until the node drops the connection (or the attack ends); reports how long the connection lived. */
  private static void flood(AtomicBoolean stop, List<Long> connectionMs, Write write) {
    long start = System.nanoTime();
    try {
      while (!stop.get()) {
        write.send();
      }
    } catch (IOException dropped) {
      // the node closed the connection: the write fails with a reset or a broken pipe
    }
    connectionMs.add((System.nanoTime() - start) / 1_000_000);
  }

  /**
   * Runs {@code attack} on {@link #ATTACKERS} threads for {@link #ATTACK_MS} while alice locks and
   * unlocks a file and bob's socket is timed receiving each change.
   */
  private static Run underAttack(Attack attack) throws Exception {
    DeltaSocket watcher = DeltaSocket.connectKeepingNothing(vertx, node.port(), bob).await(10, TimeUnit.SECONDS);
    lockReachesBob(watcher, 30);
    long filesBefore = openFiles();
    long baseBytes = memoryAfterGc();
    int baseConnections = connections().await();

    AtomicBoolean stop = new AtomicBoolean();
    List<Long> connectionMs = new CopyOnWriteArrayList<>();
    Set<RawWebSocket> open = ConcurrentHashMap.newKeySet();
    ExecutorService attackers = Executors.newFixedThreadPool(ATTACKERS);
    List<java.util.concurrent.Future<?>> running = new ArrayList<>();
    for (int i = 0; i < ATTACKERS; i++) {
      running.add(attackers.submit(() -> {
        while (!stop.get()) {
          attack.run(stop, connectionMs, open);
        }
        return null;
      }));
    }
    List<Long> lockMs = new ArrayList<>();
    List<Long> fanOutMs = new ArrayList<>();
    long peak = 0;
    int maxConnections = 0;
    long retained;
    try {
      long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ATTACK_MS);
      while (System.nanoTime() < end) {
        long[] ms = lockReachesBob(watcher, 10);
        lockMs.add(ms[0]);
        fanOutMs.add(ms[1]);
        peak = Math.max(peak, memoryNow());
        maxConnections = Math.max(maxConnections, connections().await());
      }
      retained = memoryAfterGc();
    } finally {
      stop.set(true);
      // a connection the node failed to drop holds its attacker in a blocked write: closing it frees the thread
      attackers.shutdown();
      if (!attackers.awaitTermination(5, TimeUnit.SECONDS)) {
        for (RawWebSocket ws : open) {
          ws.close();
        }
      }
      watcher.close().await();
    }
    for (java.util.concurrent.Future<?> attacker : running) {
      attacker.get(10, TimeUnit.SECONDS);
    }
    Waiting.until(vertx, 10_000, "the attack's sockets are gone",
      () -> connections().map(n -> n <= baseConnections - 1)).await();
    long filesAfter = openFilesOnceAtMost(filesBefore + LEAK_MARGIN, TimeUnit.SECONDS.toNanos(10));
    long afterBytes = memoryAfterGc();
    return new Run(lockMs, fanOutMs, peak, baseBytes, retained, afterBytes, filesBefore, filesAfter, connectionMs, maxConnections);
  }

  private static void assertBobServedAndNodeBounded(Run run) {
    assertThat(run.lockMs()).as("locks bob saw during the attack").hasSizeGreaterThan(5);
    assertThat(Run.percentile(run.fanOutMs(), 90)).as("alice's answer to bob's socket, p90 ms").isLessThan(250);
    assertThat(Collections.max(run.fanOutMs())).as("alice's answer to bob's socket, max ms").isLessThan(1_000);
    assertThat(Run.percentile(run.lockMs(), 50)).as("alice's request to bob's socket, p50 ms").isLessThan(500);
    assertThat(run.retainedBytes()).as("memory the node holds under attack, after a GC, against after the attack")
      .isLessThan(run.afterBytes() + ATTACK_MARGIN);
    assertThat(run.retainedBytes()).as("memory the node holds under attack, after a GC, against before it")
      .isLessThan(run.baseBytes() + GROWTH_MARGIN);
    assertThat(run.peakBytes()).as("memory in use at any time of the attack").isLessThan(600L << 20);
    assertThat(run.filesAfter()).as("open files after the attack").isLessThan(run.filesBefore() + LEAK_MARGIN);
  }

  /**
   * Alice locks (or unlocks) the file. The ms from her request, and from the node's answer to her, until
   * bob's socket has the change's ACTIVITY: the second is the fan-out alone, the first adds the request
   * (storage and a loaded machine's CPU).
   */
  private static long[] lockReachesBob(DeltaSocket watcher, long seconds) throws Exception {
    long seq = api.latestSeq(alice).await() + 1;
    long start = System.nanoTime();
    if (locked) {
      NodeApi.json(api.call(HttpMethod.POST, "/api/files/" + FILE + "/cancel-checkout", alice).send(), 200).await();
    } else {
      api.checkout(alice, FILE).await();
    }
    locked = !locked;
    long answered = System.nanoTime();
    watcher.awaitActivity(seq, seconds);
    long delivered = System.nanoTime();
    return new long[] {(delivered - start) / 1_000_000, (delivered - answered) / 1_000_000};
  }

  private static Future<Integer> connections() {
    return vertx.eventBus().<JsonObject>request(Addresses.SYNC_STATUS, new JsonObject())
      .map(reply -> reply.body().getInteger("connections"));
  }

  /** Heap in use plus the direct buffers Netty holds (queued writes live there). */
  private static long memoryNow() {
    long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    long direct = Math.max(0, PlatformDependent.usedDirectMemory());
    for (BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)) {
      if ("direct".equals(pool.getName())) {
        direct += pool.getMemoryUsed();
      }
    }
    return heap + direct;
  }

  /** What is still referenced: measured after a full collection. */
  private static long memoryAfterGc() {
    System.gc();
    return memoryNow();
  }

  private static long openFilesOnceAtMost(long bound, long nanos) throws InterruptedException {
    long deadline = System.nanoTime() + nanos;
    long files = openFiles();
    while (files >= bound && System.nanoTime() < deadline) {
      Thread.sleep(50);
      files = openFiles();
    }
    return files;
  }

  private static long openFiles() {
    String[] fds = new File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }
}
