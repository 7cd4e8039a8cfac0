package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A holder of content that accepts connections and never answers (a frozen node) does not stall a
 * download at another node: each download that asks it gives up on it after the first-byte timeout
 * and gets the content from a node that answers, well within 5 s; after three such timeouts in a row
 * the hung node is skipped at once, shown in /metrics and /health. Two real nodes (each with its own
 * Vert.x, so no event reaches the other and nothing is copied in the background) share PostgreSQL;
 * the hung node is a server that counts the content requests it gets and answers none.
 */
class HungHolderTest {

  private static final String SECRET = "cluster-" + UUID.randomUUID();
  /** Well within the 5 s a download may wait for one hung node; the first-byte timeout is 2 s. */
  private static final long MAX_DOWNLOAD_MS = 5_000;

  @Test
  @Timeout(120)
  void aDownloadSkipsAHolderThatNeverAnswersAndLaterDownloadsSkipItAtOnce() throws Exception {
    Vertx atA = Vertx.vertx(PdmNode.vertxOptions());
    Vertx atB = Vertx.vertx(PdmNode.vertxOptions());
    TestPostgres database = TestPostgres.create(atA).await();
    Pool sql = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
      .connectingTo(PgConnectOptions.fromUri(database.uri())).using(atA).build();
    List<TestNode> nodes = new ArrayList<>();
    AtomicInteger askedAtHung = new AtomicInteger();
    HttpServer hung = atA.createHttpServer().requestHandler(request -> {
      if (request.path().startsWith("/internal/blobs/")) {
        askedAtHung.incrementAndGet();
      }
      // accepted, never answered
    }).listen(0, "127.0.0.1").await();
    try {
      TestNode a = TestNode.start(atA, node(database, "node-a")).await();
      nodes.add(a);
      TestNode b = TestNode.start(atB, node(database, "node-b")).await();
      nodes.add(b);
      String adminAtA = a.adminToken().await();
      String adminAtB = b.adminToken().await();
      // seen most recently, so asked first for everything it holds
      sql.preparedQuery("INSERT INTO nodes (name, base_url, last_seen) VALUES ($1, $2, $3)")
        .execute(Tuple.of("node-hung", "http://127.0.0.1:" + hung.actualPort(), System.currentTimeMillis() + 3_600_000))
        .await();

      List<String> names = new ArrayList<>();
      List<Buffer> contents = new ArrayList<>();
      Random random = new Random(13);
      NodeApi apiAtA = new NodeApi(atA, a.port());
      for (int i = 0; i < 4; i++) {
        byte[] bytes = new byte[300_000];
        random.nextBytes(bytes);
        String name = "720000" + i + "_HUNG.nc";
        JsonObject created = apiAtA.create(adminAtA, name, Buffer.buffer(bytes)).await();
        sql.preparedQuery("INSERT INTO blob_locations (sha256, node, stored_at) VALUES ($1, 'node-hung', 0)")
          .execute(Tuple.of(created.getString("sha256"))).await();
        names.add(name);
        contents.add(Buffer.buffer(bytes));
      }
      apiAtA.close();

      for (int i = 0; i < 3; i++) {
        long took = download(b, adminAtB, names.get(i), contents.get(i));
        assertThat(took).as("download %d at B, the hung node asked first", i + 1).isLessThan(MAX_DOWNLOAD_MS);
        assertThat(askedAtHung.get()).as("content requests the hung node got").isEqualTo(i + 1);
      }

      long skipping = download(b, adminAtB, names.get(3), contents.get(3));

      assertThat(skipping).as("a download once the hung node's breaker is open").isLessThan(1_000);
      assertThat(askedAtHung.get()).as("the hung node is not asked while its breaker is open").isEqualTo(3);
      Pattern open = Pattern.compile("pdm_peer_breaker_open\\{peer=\"node-hung\"[^}]*} 1(\\.0)?\\b");
      Waiting.until(atB, 10_000, "/metrics shows the hung node's breaker open", () -> b.client().get("/metrics").send()
        .map(r -> open.matcher(r.bodyAsString()).find())).await();
      JsonObject health = NodeApi.json(b.client().get("/health").send(), 200).await();
      assertThat(health.getJsonObject("storage").getJsonArray("skippedPeers").getList()).containsExactly("node-hung");
    } finally {
      for (TestNode node : nodes) {
        node.close().await();
      }
      hung.close().await();
      sql.close().await();
      database.drop().await();
      atB.close().await();
      atA.close().await();
    }
  }

  private static JsonObject node(TestPostgres database, String name) {
    return database.nodeConfig(name, SECRET);
  }

  /** Downloads a file at the node, checks its content, and answers how long the download took (ms). */
  private static long download(TestNode node, String token, String filename, Buffer expected) {
    long start = System.nanoTime();
    HttpResponse<Buffer> response = node.client().request(HttpMethod.GET, "/api/files/" + filename + "/content")
      .bearerTokenAuthentication(token).send().compose(r -> TestNode.expect(r, 200)).await();
    long took = (System.nanoTime() - start) / 1_000_000;
    assertThat(NodeApi.sha256(response.body())).isEqualTo(NodeApi.sha256(expected));
    return took;
  }
}
