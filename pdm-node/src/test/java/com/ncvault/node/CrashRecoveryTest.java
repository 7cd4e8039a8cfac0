package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A node killed with SIGKILL while a 500 MiB check-in streams in: after the restart the vault is
 * exactly as before the upload began (no revision, the lock still held, no partial content
 * anywhere, no temporary file), and the same check-in sent again succeeds.
 */
@ExtendWith(VertxExtension.class)
class CrashRecoveryTest {

  private static final int CHUNKS = 8000; // 8000 x 64 KiB = 500 MiB
  private static final long KILL_AFTER_BYTES = 64L * 1024 * 1024;
  private static final String NAME = "7000001_CR1.nc";
  private static final Buffer V1 = Buffer.buffer("%\nO7001 (CRASH TEST)\nG0 X0 Y0\nM30\n%\n");

  private Vertx vertx;
  private Path dataDir;
  private int port;
  private NodeProcess node;
  private NodeApi api;
  private HttpClient http;

  @BeforeEach
  void start() throws IOException {
    vertx = Vertx.vertx();
    dataDir = TestNode.tempDir();
    port = TestNode.freePort();
    node = NodeProcess.start(port, dataDir, List.of("-Xmx256m"), Map.of(), List.of());
    api = new NodeApi(vertx, port);
    http = vertx.createHttpClient();
  }

  @AfterEach
  void stop() throws InterruptedException {
    if (node != null) {
      node.close();
    }
    api.close();
    vertx.close().await();
    TestNode.deleteTree(dataDir);
  }

  @Test
  @Timeout(300)
  void aCheckinCutOffByAKilledNodeLeavesNoTraceAndSucceedsWhenSentAgain() throws Exception {
    String admin = api.adminToken().await();
    String carl = api.createUser(admin, "carl", "programmer").await();
    api.create(carl, NAME, V1).await();
    api.checkout(carl, NAME).await();
    NodeApi.Stored before = api.stored(admin).await();
    JsonObject historyBefore = NodeApi.json(api.call(HttpMethod.GET, "/api/files/" + NAME + "/history", admin).send(),
      200).await();
    List<JsonObject> eventsBefore = api.allEvents(admin).await();

    // the client holds the rest back: a node that read fast must not have the whole file before the kill
    StreamedUpload cutOff = new StreamedUpload(CHUNKS).holdAfter(2 * KILL_AFTER_BYTES);
    Future<StreamedUpload.ResponseWithBody> answer = cutOff.send(http, port, "/api/files/" + NAME + "/checkin", carl,
      NAME, "new tool T12");
    long staged = stagedBytesReach(KILL_AFTER_BYTES).await();
    node.kill();
    Throwable broken = answer.transform(ar -> Future.succeededFuture(ar.cause())).await();

    assertThat(staged).as("the node had received part of the file when it was killed")
      .isGreaterThanOrEqualTo(KILL_AFTER_BYTES).isLessThan(cutOff.size());
    assertThat(broken).as("the client never got an answer").isNotNull();
    assertThat(cutOff.sent()).as("the client was still sending").isLessThan(cutOff.size());
    assertThat(list(dataDir.resolve("incoming"))).as("a partial upload was left on disk by the crash").isNotEmpty();

    long killedAt = System.nanoTime();
    node = NodeProcess.start(port, dataDir, List.of("-Xmx256m"), Map.of(), List.of());
    System.out.printf("killed after %d MiB staged; restarted in %d ms%n", staged >> 20,
      (System.nanoTime() - killedAt) / 1_000_000);

    NodeApi.Stored after = api.stored(admin).await();
    JsonObject file = after.files().getJsonObject(NAME);
    assertThat(after).as("list and latest seq").isEqualTo(before);
    assertThat(file.getString("revision")).isEqualTo("1.0");
    assertThat(file.getString("lockedBy")).isEqualTo("carl");
    assertThat(NodeApi.json(api.call(HttpMethod.GET, "/api/files/" + NAME + "/history", admin).send(), 200).await())
      .isEqualTo(historyBefore);
    assertThat(api.allEvents(admin).await()).isEqualTo(eventsBefore);
    HttpResponse<Buffer> content = api.call(HttpMethod.GET, "/api/files/" + NAME + "/content", admin).send().await();
    assertThat(content.body()).isEqualTo(V1);
    assertThat(list(dataDir.resolve("incoming"))).as("incoming/ after the restart").isEmpty();
    assertThat(blobNames()).as("blobs: only the content of revision 1.0").containsExactly(NodeApi.sha256(V1));

    StreamedUpload retry = new StreamedUpload(CHUNKS);
    long retryStarted = System.nanoTime();
    StreamedUpload.ResponseWithBody retried = retry.send(http, port, "/api/files/" + NAME + "/checkin", carl, NAME,
      "new tool T12").await();
    System.out.printf("500 MiB check-in took %d ms%n", (System.nanoTime() - retryStarted) / 1_000_000);
    assertThat(retried.status()).as(retried.body().toString()).isEqualTo(200);
    JsonObject checkedIn = retried.body().toJsonObject();
    assertThat(checkedIn.getString("revision")).isEqualTo("1.1");
    assertThat(checkedIn.getString("sha256")).isEqualTo(retry.sha256());
    assertThat(checkedIn.getLong("size")).isEqualTo(retry.size());
    assertThat(checkedIn.getString("status")).isEqualTo("unlocked");
    assertThat(blobNames()).containsExactlyInAnyOrder(NodeApi.sha256(V1), retry.sha256());
    assertThat(list(dataDir.resolve("incoming"))).isEmpty();
    int last = CHUNKS - 1;
    long lastStart = (long) last * StreamedUpload.CHUNK;
    HttpResponse<Buffer> tail = api.call(HttpMethod.GET, "/api/files/" + NAME + "/content", admin)
      .putHeader("Range", "bytes=" + lastStart + "-").send().await();
    assertThat(tail.statusCode()).isEqualTo(206);
    assertThat(tail.body()).as("the last 64 KiB served back").isEqualTo(StreamedUpload.chunk(last));
    assertThat(node.output()).noneMatch(line -> line.contains("has been blocked for"));
  }

  /** Completes with the size of the staged upload once it has reached {@code bytes} (polled every 20 ms). */
  private Future<Long> stagedBytesReach(long bytes) {
    Promise<Long> reached = Promise.promise();
    String incoming = dataDir.resolve("incoming").toString();
    vertx.setPeriodic(20, id -> vertx.fileSystem().readDir(incoming)
      .compose(paths -> Future.all(paths.stream().map(p -> vertx.fileSystem().props(p)).toList()))
      .onSuccess(all -> {
        long size = all.<io.vertx.core.file.FileProps>list().stream().mapToLong(io.vertx.core.file.FileProps::size)
          .max().orElse(0);
        if (size >= bytes && reached.tryComplete(size)) {
          vertx.cancelTimer(id);
        }
      }));
    return reached.future();
  }

  private static List<File> list(Path dir) {
    File[] files = dir.toFile().listFiles();
    return files == null ? List.of() : List.of(files);
  }

  /** The SHA-256 names of every blob in the store. */
  private Set<String> blobNames() throws IOException {
    try (Stream<Path> paths = Files.walk(dataDir.resolve("blobs"))) {
      return paths.filter(Files::isRegularFile)
        .map(p -> p.getParent().getFileName().toString() + p.getFileName())
        .collect(Collectors.toCollection(TreeSet::new));
    }
  }
}
