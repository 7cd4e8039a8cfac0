package com.ncvault.storage;

import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.FileInfo;
import com.ncvault.contract.StorageApi;
import com.ncvault.contract.StorageApi.Checkout;
import com.ncvault.contract.StorageApi.FileAction;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * PostgreSQL connections cache their prepared statements; another node (a newer version, during a
 * rolling upgrade) may change a table under them. The statements are prepared anew and the requests
 * succeed, on the pool and in the group commit's transactions.
 */
class PostgresSchemaChangeTest extends StorageTestBase {

  @RegisterExtension
  static final PostgresTestDatabase database = new PostgresTestDatabase();

  @Override
  protected JsonObject databaseConfig() {
    return database.storageConfig();
  }

  @Override
  protected void resetDatabase() {
    database.reset();
  }

  @Test
  void statementsCachedBeforeAnotherNodeChangedTheirTableArePreparedAnew() {
    StorageApi api = storage.api();
    for (int i = 0; i < 8; i++) {
      create("part" + i + ".nc", "G21\n" + i, "alice");
    }
    // lookups side by side reach every pooled connection; the lock changes prepare their statements
    lookEverywhere(api);
    lockAndFree(api);

    database.execute("ALTER TABLE files ADD COLUMN added_by_a_newer_node INTEGER");

    lookEverywhere(api);
    lockAndFree(api);
    assertThat(StorageClient.await(api.getFile("part3.nc")).lockedBy()).isNull();
  }

  private void lookEverywhere(StorageApi api) {
    List<Future<FileInfo>> lookups = IntStream.range(0, 64).mapToObj(i -> api.getFile("part" + i % 8 + ".nc")).toList();
    StorageClient.settle(List.copyOf(lookups));
    lookups.forEach(f -> assertThat(f.succeeded()).as("a lookup: %s", f.cause()).isTrue());
  }

  private void lockAndFree(StorageApi api) {
    List<Future<FileInfo>> checkouts = IntStream.range(0, 8)
      .mapToObj(i -> api.checkout(new Checkout("part" + i + ".nc", "bob", null, null))).toList();
    StorageClient.settle(List.copyOf(checkouts));
    checkouts.forEach(f -> assertThat(f.succeeded()).as("a checkout: %s", f.cause()).isTrue());
    List<Future<FileInfo>> cancels = IntStream.range(0, 8)
      .mapToObj(i -> api.cancelCheckout(new FileAction("part" + i + ".nc", "bob", null))).toList();
    StorageClient.settle(List.copyOf(cancels));
    cancels.forEach(f -> assertThat(f.succeeded()).as("a cancel: %s", f.cause()).isTrue());
  }
}
