package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every way an upload can end, against a real node over raw sockets: the start of a chunked body
 * is sent and staged in incoming/, then the upload ends one way or another (completed, refused,
 * cut short, malformed chunking, reset, gone silent). Each time the client gets an answer (4xx)
 * or a closed connection, incoming/ ends empty, no file handle of the node stays open there, and
 * another user's requests stay fast meanwhile.
 */
@ExtendWith(VertxExtension.class)
class UploadEndingsTest {

  private static final int IDLE_TIMEOUT_SECONDS = 2;
  private static final int MAX_UPLOAD = 64 * 1024;
  private static final String LOCKED = "6000001_UP.nc";
  /** How long another user's file list may take while an upload ends badly. */
  private static final long BYSTANDER_MAX_MS = 2_000;

  private static Vertx vertx;
  private static TestNode node;
  private static NodeApi api;
  private static String alice;
  private static String bob;

  /** How an upload ended for its client. */
  record Ending(int status, String code, boolean closed) {
  }

  private static final java.util.concurrent.atomic.AtomicInteger NAMES = new java.util.concurrent.atomic.AtomicInteger();

  interface Finish {
    /** Sends the rest of the upload (or does not) and reports what the client saw. */
    Ending finish(Socket socket) throws IOException;
  }

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    node = TestNode.start(vertx, new JsonObject().put(ConfigKeys.HTTP_IDLE_TIMEOUT_SECONDS, IDLE_TIMEOUT_SECONDS)
      .put(ConfigKeys.MAX_UPLOAD_BYTES, MAX_UPLOAD)).await();
    api = new NodeApi(vertx, node.port());
    String admin = api.adminToken().await();
    alice = api.createUser(admin, "alice", "programmer").await();
    bob = api.createUser(admin, "bob", "programmer").await();
    api.create(alice, LOCKED, Buffer.buffer("G0 X0\n")).await();
    api.checkout(bob, LOCKED).await();
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close().await();
    vertx.close().await();
  }

  /** An ending: what is sent once the head and the first chunk are (staged or not yet), and what the client must see. */
  record Row(boolean staged, Finish finish, Predicate<Ending> expected, String uri) {
  }

  static Stream<Arguments> endings() {
    List<Arguments> rows = new ArrayList<>();
    rows.add(row("completed", true, send("0\r\n\r\n"), e -> e.status() == 201));
    rows.add(Arguments.of(Named.of("refused before staging (a check-in of another's lock)", new Row(false,
      send("3\r\nabc\r\n0\r\n\r\n"), e -> e.status() == 409 && "not_lock_holder".equals(e.code()),
      "/api/files/" + LOCKED + "/checkin?message=mine"))));
    rows.add(row("refused mid-upload (over the size limit)", true,
      send(Integer.toHexString(2 * MAX_UPLOAD) + "\r\n" + "G".repeat(2 * MAX_UPLOAD) + "\r\n0\r\n\r\n"),
      e -> e.status() == 413 && "payload_too_large".equals(e.code())));
    String[][] malformed = {
      {"a chunk size that is not hex", "zz\r\nabc\r\n0\r\n\r\n"},
      {"a chunk size that overflows", "FFFFFFFFFFFFFFFFFFFFFFFF\r\nabc\r\n"},
      {"a negative chunk size", "-10\r\nabc\r\n"},
      {"an over-long chunk extension", "3;" + "x".repeat(20_000) + "\r\nabc\r\n0\r\n\r\n"},
      {"a chunk longer than its size", "3\r\nabcdef\r\n0\r\n\r\n"},
      {"over-long trailers", "0\r\nX-T: " + "x".repeat(20_000) + "\r\n\r\n"}};
    for (String[] bad : malformed) {
      rows.add(row(bad[0] + ", once staging has begun", true, send(bad[1]), UploadEndingsTest::answered4xxOrClosed));
      rows.add(row(bad[0] + ", with the head", false, send(bad[1]), UploadEndingsTest::answered4xxOrClosed));
    }
    rows.add(row("cut short (the client stops sending and half-closes)", true, socket -> {
      socket.getOutputStream().write("100\r\nG1".getBytes(StandardCharsets.ISO_8859_1));
      socket.shutdownOutput();
      return read(socket);
    }, UploadEndingsTest::answered4xxOrClosed));
    rows.add(row("a connection reset", true, socket -> {
      socket.setSoLinger(true, 0);
      socket.close();
      return new Ending(0, null, true);
    }, e -> true));
    rows.add(row("a client gone silent (idle timeout)", true, UploadEndingsTest::read,
      e -> e.closed() || e.status() == 408));
    return rows.stream();
  }

  private static Arguments row(String name, boolean staged, Finish finish, Predicate<Ending> expected) {
    return Arguments.of(Named.of(name, new Row(staged, finish, expected, null)));
  }

  private static Finish send(String rest) {
    return socket -> {
      try {
        socket.getOutputStream().write(rest.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
      } catch (SocketException closedMidway) {
        // the node answered and closed before taking everything: its answer is still readable
      }
      return read(socket);
    };
  }

  private static boolean answered4xxOrClosed(Ending e) {
    return e.closed() || e.status() >= 400 && e.status() < 500 && e.code() != null;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("endings")
  @Timeout(60)
  void everyEndingAnswersOrClosesAndLeavesNoStagedFileOrHandle(Row row) throws Exception {
    long handlesBefore = openFiles();
    Bystander other = new Bystander();
    try {
      Ending ending;
      try (Socket socket = new Socket("127.0.0.1", node.port())) {
        socket.setSoTimeout(30_000);
        startChunkedUpload(socket, row.uri());
        if (row.staged()) {
          waitFor(() -> stagedFiles() == 1, "the upload is staged");
        }
        ending = row.finish().finish(socket);
      }
      assertThat(row.expected().test(ending)).as("ending %s", ending).isTrue();
      waitFor(() -> stagedFiles() == 0 && handlesInIncoming() == 0, "incoming/ is empty and has no open handle");
    } finally {
      other.close();
    }
    assertThat(other.slowestMs()).as("another user's slowest list").isLessThan(BYSTANDER_MAX_MS);
    // The user's upload slots are free again: a complete upload goes through.
    api.create(alice, "6200" + String.format("%03d", NAMES.incrementAndGet()) + "_OK.nc", Buffer.buffer("G0 X1\n"))
      .await();
    waitFor(() -> openFiles() <= handlesBefore + 2, "the node's open files are back to " + handlesBefore);
  }

  /** A new file (or what uri names) as a chunked raw body: the head and a first chunk. */
  private static void startChunkedUpload(Socket socket, String uri) throws IOException {
    String name = "6100" + String.format("%03d", NAMES.incrementAndGet()) + "_E.nc";
    String head = "POST " + (uri == null ? "/api/files?filename=" + name : uri) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice
      + "\r\nContent-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n\r\n";
    OutputStream out = socket.getOutputStream();
    out.write(head.getBytes(StandardCharsets.ISO_8859_1));
    out.write("8\r\nG0 X0 Y0\r\n".getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
  }

  /** The answer (its head and Content-Length body), or that the connection closed without one. */
  private static Ending read(Socket socket) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    try {
      int window = 0;
      while (window != 0x0D0A0D0A) {
        int b = in.read();
        if (b < 0) {
          return new Ending(0, null, true);
        }
        head.write(b);
        window = (window << 8) | b;
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      int status = Integer.parseInt(text.substring(9, 12));
      java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(text);
      String code = null;
      if (length.find()) {
        String body = new String(in.readNBytes(Integer.parseInt(length.group(1))), StandardCharsets.UTF_8);
        try {
          JsonObject json = new JsonObject(body);
          code = json.containsKey("error") ? json.getJsonObject("error").getString("code") : null;
        } catch (RuntimeException notJson) {
          code = null;
        }
      }
      return new Ending(status, code, false);
    } catch (SocketException reset) {
      return new Ending(0, null, true);
    } catch (SocketTimeoutException silent) {
      return new Ending(0, null, false);
    }
  }

  /** Bob lists the files over and over while an upload ends; the slowest answer counts. */
  private static final class Bystander {
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<Long> times = new ArrayList<>();
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    Bystander() {
      next();
    }

    private void next() {
      if (!running.get()) {
        done.complete(null);
        return;
      }
      long start = System.nanoTime();
      api.call(HttpMethod.GET, "/api/files", bob).send().onComplete(r -> {
        synchronized (times) {
          times.add(r.succeeded() && r.result().statusCode() == 200 ? (System.nanoTime() - start) / 1_000_000
            : Long.MAX_VALUE);
        }
        vertx.setTimer(20, id -> next());
      });
    }

    long slowestMs() {
      synchronized (times) {
        return times.stream().mapToLong(Long::longValue).max().orElse(Long.MAX_VALUE);
      }
    }

    /** Stops after the list being asked for has been answered. */
    void close() throws Exception {
      running.set(false);
      done.get(10, TimeUnit.SECONDS);
    }
  }

  private static long stagedFiles() {
    Path incoming = node.dataDir().resolve("incoming");
    if (!Files.isDirectory(incoming)) {
      return 0;
    }
    try (Stream<Path> files = Files.list(incoming)) {
      return files.count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** File handles of this JVM (the node runs in it) open on a file in incoming/, deleted or not. */
  private static long handlesInIncoming() {
    String incoming = node.dataDir().resolve("incoming").toAbsolutePath().toString();
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(fd -> {
        try {
          return Files.readSymbolicLink(fd).toString().startsWith(incoming);
        } catch (IOException | UnsupportedOperationException gone) {
          return false;
        }
      }).count();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long openFiles() {
    String[] fds = new java.io.File("/proc/self/fd").list();
    return fds == null ? -1 : fds.length;
  }

  private static void waitFor(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting until " + what);
      }
      Thread.sleep(20);
    }
  }
}
