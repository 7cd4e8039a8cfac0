package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.ncvault.contract.ConfigKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A plain statement on a pooled H2 connection is committed even when that connection ran a
 * transaction before (vertx-jdbc-client hands such a connection back with auto-commit off).
 */
class PooledWritesTest {

  private Vertx vertx;
  private Database db;

  @BeforeEach
  void open() throws Exception {
    vertx = Vertx.vertx();
    Path dir = Files.createTempDirectory("ncvault-pooled-writes");
    // One connection, so the plain write below runs on the one the transaction used.
    db = Database.open(vertx, StorageConfig.from(new JsonObject()
      .put(ConfigKeys.DATA_DIR, dir.toString()).put(ConfigKeys.DB_POOL_SIZE, 1)));
    db.pool().query("CREATE TABLE marks (n INTEGER)").execute().await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void close() throws Exception {
    db.close().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  @Test
  void aPlainWriteAfterATransactionOnTheSameConnectionIsSeenByAnotherConnection() throws Exception {
    db.inTransaction(conn -> Database.run(conn, "INSERT INTO marks (n) VALUES (#{n})", Map.of("n", 1)))
      .await(10, TimeUnit.SECONDS);
    Database.run(db.pool(), "INSERT INTO marks (n) VALUES (#{n})", Map.of("n", 2)).await(10, TimeUnit.SECONDS);

    assertThat(countFromAnotherConnection()).as("rows another connection sees").isEqualTo(2);
  }

  @Test
  void aFailedTransactionLeavesNothingAndTheConnectionCommitsItsNextWrite() throws Exception {
    Future<Object> failed = db.inTransaction(conn -> Database.run(conn, "INSERT INTO marks (n) VALUES (#{n})",
      Map.of("n", 1)).compose(v -> Future.failedFuture(new IllegalStateException("refused"))));
    assertThatThrownBy(() -> failed.await(10, TimeUnit.SECONDS)).hasMessageContaining("refused");
    Database.run(db.pool(), "INSERT INTO marks (n) VALUES (#{n})", Map.of("n", 2)).await(10, TimeUnit.SECONDS);

    assertThat(countFromAnotherConnection()).as("rows another connection sees").isEqualTo(1);
  }

  private long countFromAnotherConnection() throws Exception {
    String url = db.jdbcUrl();
    return vertx.executeBlocking(() -> {
      try (Connection other = DriverManager.getConnection(url, "sa", "");
           ResultSet rs = other.createStatement().executeQuery("SELECT COUNT(*) FROM marks")) {
        rs.next();
        return rs.getLong(1);
      }
    }).await(10, TimeUnit.SECONDS);
  }
}
