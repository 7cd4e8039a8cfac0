package com.ncvault.node;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.VertxExtension;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A real database outage under a PostgreSQL-backed node: the node's database is taken away (its
 * connections terminated, the database renamed, as a failed-over or restarted server looks to the
 * node) while users work. Every request that needs it is answered 503 service_unavailable with
 * Retry-After, never 500 internal_error, and nothing is logged at ERROR; once the database is back
 * the node serves again without a restart.
 */
@ExtendWith(VertxExtension.class)
class DatabaseOutageTest {

  private static final String FILE = "8000001_DB.nc";

  private static Vertx vertx;
  private static TestPostgres database;
  private static TestNode node;
  private static NodeApi api;
  private static Pool admin;
  private static ErrorLog errors;

  @BeforeAll
  static void start() {
    errors = ErrorLog.attach();
    vertx = Vertx.vertx(PdmNode.vertxOptions());
    database = TestPostgres.create(vertx).await();
    node = TestNode.start(vertx, new JsonObject().put(ConfigKeys.DB_KIND, "postgres")
      .put(ConfigKeys.PG_URI, database.uri())).await();
    api = new NodeApi(vertx, node.port());
    admin = PgBuilder.pool().with(new PoolOptions().setMaxSize(1))
      .connectingTo(PgConnectOptions.fromUri(TestPostgres.ADMIN_URI)).using(vertx).build();
  }

  @AfterAll
  static void stop() {
    api.close();
    node.close().await();
    admin.close().await();
    database.drop().await();
    vertx.close().await();
    errors.detach();
  }

  @Test
  @Timeout(180)
  void whileTheDatabaseIsGoneEveryRequestIs503WithRetryAfterAndTheNodeRecoversWhenItIsBack() {
    String token = api.adminToken().await();
    api.create(token, FILE, Buffer.buffer("G0 X0\n")).await();
    String name = database.uri().substring(database.uri().lastIndexOf('/') + 1);
    errors.drain();

    takeAway(name);
    try {
      for (String[] request : new String[][] {{"GET", "/api/files/" + FILE}, {"GET", "/api/files/" + FILE + "/history"},
        {"POST", "/api/files/" + FILE + "/checkout"}, {"GET", "/api/dashboard/stats"}}) {
        HttpResponse<Buffer> answer = api.call(HttpMethod.valueOf(request[0]), request[1], token).send().await();
        assertThat(answer.statusCode()).as(request[0] + " " + request[1] + ": " + answer.bodyAsString()).isEqualTo(503);
        assertThat(answer.bodyAsJsonObject().getJsonObject("error").getString("code")).isEqualTo("service_unavailable");
        assertThat(answer.getHeader("Retry-After")).isEqualTo("5");
      }
      HttpResponse<Buffer> login = api.client().post("/api/auth/login")
        .sendJsonObject(new JsonObject().put("username", "admin").put("password", TestNode.ADMIN_PASSWORD)).await();
      assertThat(login.statusCode()).as(login.bodyAsString()).isEqualTo(503);
      assertThat(login.getHeader("Retry-After")).isEqualTo("5");
    } finally {
      bringBack(name);
    }

    Waiting.until(vertx, 30_000, "the node serves the file again", () -> api.call(HttpMethod.GET, "/api/files/" + FILE,
      token).send().map(r -> r.statusCode() == 200)).await();
    JsonObject checkedOut = api.checkout(token, FILE).await();
    assertThat(checkedOut.getString("lockedBy")).isEqualTo("admin");
    assertThat(errors.drain()).as("ERROR lines logged during the outage").isEmpty();
  }

  /** Nobody may connect, the node's connections are ended, and the database is renamed away. */
  private static void takeAway(String name) {
    admin.query("ALTER DATABASE " + name + " ALLOW_CONNECTIONS false").execute()
      .compose(v -> admin.query("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + name
        + "'").execute())
      .compose(v -> Waiting.until(vertx, 10_000, "the node's connections are gone", () -> admin
        .query("SELECT COUNT(*) FROM pg_stat_activity WHERE datname = '" + name + "'").execute()
        .map(rows -> rows.iterator().next().getLong(0) == 0)))
      .compose(v -> admin.query("ALTER DATABASE " + name + " RENAME TO " + name + "_away").execute())
      .compose(v -> admin.query("ALTER DATABASE " + name + "_away ALLOW_CONNECTIONS true").execute())
      .<Void>mapEmpty().await();
  }

  private static void bringBack(String name) {
    Future<Void> back = admin.query("ALTER DATABASE " + name + "_away RENAME TO " + name).execute().mapEmpty();
    back.await();
  }
}
