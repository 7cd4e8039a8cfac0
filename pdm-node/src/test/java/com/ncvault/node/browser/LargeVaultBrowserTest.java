package com.ncvault.node.browser;

import com.ncvault.contract.StorageLimits;
import com.ncvault.node.TestNode;
import com.ncvault.storage.Dialect;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

import static com.ncvault.node.browser.Browser.testId;
import static com.ncvault.node.browser.VaultCalls.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A vault of 10,000 files stays usable: the page loads and the search answers in under 200 ms.
 * One file of each of the 90 part families is created through the API; the other 9,910 are rows
 * copied from them with SQL while the node is stopped (their own names, families and
 * descriptions; the same content and revision): 5 s with the restart, where the API took a minute
 * here. The page sees only the node's list, which is the same either way.
 */
@ExtendWith(VertxExtension.class)
class LargeVaultBrowserTest {

  static final int FILES = 10_000;
  /** One file per part family through the API; the rest copied from these with SQL. */
  static final int THROUGH_API = 90;
  /** As many as one user may have running at once (the node answers 429 beyond that). */
  static final int PARALLEL_UPLOADS = 4;

  static TestNode node;
  static VaultCalls alice;
  static VaultCalls bob;

  @BeforeAll
  static void start(Vertx vertx) throws SQLException {
    Browser.requireAvailable();
    node = await(TestNode.start(vertx));
    String adminToken = await(node.adminToken());
    alice = new VaultCalls(node, await(node.createUser(adminToken, "alice", "programmer")));
    bob = new VaultCalls(node, await(node.createUser(adminToken, "bob", "programmer")));
    long started = System.nanoTime();
    await(createFiles(alice, THROUGH_API), Duration.ofMinutes(1));
    await(node.stopNode());
    addCopies(node.dataDir(), THROUGH_API, FILES);
    await(node.restart());
    System.out.printf("10,000 files (%d through the API, the rest with SQL) in %d ms%n", THROUGH_API,
      (System.nanoTime() - started) / 1_000_000);
  }

  /**
   * Adds files {@code from..to-1}, each a copy of the rows of file {@code i % THROUGH_API} (the
   * one of its part family) in files and revisions, with its own name, name key, family and
   * description. Every other column is copied as it is, so a column added to the schema later
   * needs nothing here.
   */
  static void addCopies(Path dataDir, int from, int to) throws SQLException {
    try (Connection db = DriverManager.getConnection(Dialect.h2Url(dataDir), "sa", "")) {
      db.setAutoCommit(false);
      copyRows(db, "files", from, to, Map.of(
        "filename", LargeVaultBrowserTest::nameOf,
        "name_key", i -> nameOf(i).toLowerCase(Locale.ROOT),
        "grp", i -> StorageLimits.groupOf(nameOf(i)),
        "description", i -> "Part " + i + " roughing pass"));
      copyRows(db, "revisions", from, to, Map.of("filename", LargeVaultBrowserTest::nameOf));
      db.commit();
    }
  }

  private static void copyRows(Connection db, String table, int from, int to, Map<String, IntFunction<String>> own)
    throws SQLException {
    List<List<Object>> templates = new ArrayList<>();
    List<String> columns = new ArrayList<>();
    try (PreparedStatement select = db.prepareStatement("SELECT * FROM " + table + " WHERE filename = ?")) {
      for (int t = 0; t < THROUGH_API; t++) {
        select.setString(1, nameOf(t));
        try (ResultSet rows = select.executeQuery()) {
          ResultSetMetaData meta = rows.getMetaData();
          assertThat(rows.next()).as("%s holds %s", table, nameOf(t)).isTrue();
          columns.clear();
          List<Object> values = new ArrayList<>();
          for (int c = 1; c <= meta.getColumnCount(); c++) {
            columns.add(meta.getColumnLabel(c).toLowerCase(Locale.ROOT));
            values.add(rows.getObject(c));
          }
          assertThat(rows.next()).as("one row of %s in %s", nameOf(t), table).isFalse();
          templates.add(values);
        }
      }
    }
    String insert = "INSERT INTO " + table + " (" + String.join(", ", columns) + ") VALUES ("
      + String.join(", ", java.util.Collections.nCopies(columns.size(), "?")) + ")";
    try (PreparedStatement rows = db.prepareStatement(insert)) {
      for (int i = from; i < to; i++) {
        List<Object> template = templates.get(i % THROUGH_API);
        for (int c = 0; c < columns.size(); c++) {
          IntFunction<String> value = own.get(columns.get(c));
          rows.setObject(c + 1, value != null ? value.apply(i) : template.get(c));
        }
        rows.addBatch();
      }
      rows.executeBatch();
    }
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      await(node.close());
    }
  }

  /** 90 part families (10XXXXX..99XXXXX), 50 operations each spread over them. */
  static String nameOf(int i) {
    return String.format("%02d%05d_OP%d.nc", 10 + i % 90, i, i % 50);
  }

  static Future<Void> createFiles(VaultCalls calls, int count) {
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> workers = new ArrayList<>();
    for (int w = 0; w < PARALLEL_UPLOADS; w++) {
      workers.add(uploadNext(calls, next, count));
    }
    return Future.all(workers).mapEmpty();
  }

  private static Future<Void> uploadNext(VaultCalls calls, AtomicInteger next, int count) {
    int i = next.getAndIncrement();
    if (i >= count) {
      return Future.succeededFuture();
    }
    return calls.createFileAsync(nameOf(i), "Part " + i + " roughing pass", "G21\nG0 X" + i + "\nM30\n")
      .compose(v -> uploadNext(calls, next, count));
  }

  @Test
  void ten_thousand_files_load_and_the_search_filters_in_under_200_ms() {
    try (Browser page = Browser.open(node.baseUrl())) {
      long started = System.nanoTime();
      page.login("alice", TestNode.passwordOf("alice"));
      page.waitFor(Duration.ofSeconds(20)).until(d ->
        d.findElement(testId("files-summary")).getText().startsWith(FILES + " files"));
      long loadMs = (System.nanoTime() - started) / 1_000_000;
      assertThat(loadMs).as("ms from login to a listed vault").isLessThan(10_000);
      assertThat(page.driver().findElements(testId("file-group"))).hasSize(90);

      double filterMs = page.searchFor("op17", Duration.ofSeconds(5));
      System.out.printf("10,000 files: listed %d ms after login, first search %.1f ms in the page%n", loadMs, filterMs);
      assertThat(filterMs).as("in-page filter time, ms").isLessThan(200);
      assertThat(page.driver().findElement(testId("files-summary")).getText()).isEqualTo("200 of " + FILES + " files match.");
      List<WebElement> cards = page.driver().findElements(testId("file-card"));
      assertThat(cards).hasSize(200);
      assertThat(cards).allSatisfy(c -> assertThat(c.getAttribute("data-filename")).contains("_OP17."));
      page.screenshot("large-vault-search");

      double narrowerMs = page.searchFor("part 4242 ", Duration.ofSeconds(5));
      assertThat(narrowerMs).isLessThan(200);
      String target = nameOf(4242);
      page.cardOf(target, Duration.ofSeconds(2));

      long checkedOut = System.nanoTime();
      bob.checkout(target, "from the large vault");
      page.waitFor(Duration.ofSeconds(5)).until(d -> page.lockText(target).startsWith("Locked by bob"));
      assertThat((System.nanoTime() - checkedOut) / 1_000_000).isLessThan(1000);

      double clearMs = page.searchFor(" ", Duration.ofSeconds(5));
      assertThat(clearMs).isLessThan(200);
      // Closed groups give their cards back when the browser is idle.
      page.waitFor(Duration.ofSeconds(2)).until(d -> d.findElements(By.cssSelector("[data-testid='file-card']")).isEmpty());
    }
  }

  static double msOf(Browser page, String key) {
    Object value = page.js("return document.body.dataset[arguments[0]] || '';", key);
    return String.valueOf(value).isEmpty() ? -1 : Double.parseDouble(String.valueOf(value));
  }

  @Test
  void the_table_of_ten_thousand_files_draws_only_the_rows_in_sight_and_applies_a_live_change_at_once() {
    try (Browser page = Browser.open(node.baseUrl())) {
      page.login("bob", TestNode.passwordOf("bob"));
      page.waitFor(Duration.ofSeconds(20)).until(d ->
        d.findElement(testId("files-summary")).getText().startsWith(FILES + " files"));
      page.js("document.body.dataset.lastTableMs = '';");
      page.driver().findElement(testId("list-table")).click();
      page.waitFor(Duration.ofSeconds(5)).until(d -> msOf(page, "lastTableMs") >= 0);
      double renderMs = msOf(page, "lastTableMs");
      Object drawn = page.js("return document.querySelectorAll(\"[data-testid='file-row']\").length");
      assertThat(((Number) drawn).intValue()).as("rows in the page").isBetween(10, 120);
      assertThat(page.driver().findElement(testId("files-summary")).getText()).isEqualTo(FILES + " files.");

      String first = nameOf(0);
      page.waitFor(Duration.ofSeconds(2)).until(d -> !d.findElements(
        By.cssSelector("[data-testid='file-row'][data-filename='" + first + "']")).isEmpty());
      page.js("document.body.dataset.lastTableUpdateMs = '';");
      long changed = System.nanoTime();
      alice.checkout(first, "seen in the table");
      page.waitFor(Duration.ofSeconds(5)).until(d -> d.findElement(
        By.cssSelector("[data-testid='file-row'][data-filename='" + first + "'] [data-testid='row-holder']")).getText().equals("alice"));
      long liveMs = (System.nanoTime() - changed) / 1_000_000;
      double updateMs = msOf(page, "lastTableUpdateMs");

      // Scrolled to the end: the last file by name is drawn, still only a window of rows.
      page.js("const s = document.querySelector('.ftable-scroll'); s.scrollTop = s.scrollHeight;");
      String last = java.util.stream.IntStream.range(0, FILES).mapToObj(LargeVaultBrowserTest::nameOf).max(String::compareTo).orElseThrow();
      page.waitFor(Duration.ofSeconds(2)).until(d -> !d.findElements(
        By.cssSelector("[data-testid='file-row'][data-filename='" + last + "']")).isEmpty());
      Object drawnAtEnd = page.js("return document.querySelectorAll(\"[data-testid='file-row']\").length");
      System.out.printf("10,000 files in the table: drawn in %.1f ms (%s rows in the page); a live change in %.1f ms in the page,"
        + " %d ms from the REST call to the row%n", renderMs, drawn, updateMs, liveMs);
      assertThat(renderMs).as("ms to sort and draw the table").isLessThan(500);
      assertThat(updateMs).as("ms to apply one live change").isLessThan(200);
      assertThat(liveMs).as("ms from the checkout to alice's name in bob's row").isLessThan(1000);
      assertThat(((Number) drawnAtEnd).intValue()).isBetween(10, 120);
      page.driver().findElement(testId("list-cards")).click();
    }
  }
}
