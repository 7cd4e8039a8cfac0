package com.ncvault.node.browser;

import com.ncvault.node.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chromium.ChromiumNetworkConditions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static com.ncvault.node.browser.Browser.testId;
import static com.ncvault.node.browser.VaultCalls.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two people in two browsers on one node: what each sees of the other's work, live.
 * Every test uses its own files, so the order of the tests does not matter.
 */
@ExtendWith(VertxExtension.class)
class LiveBrowserTest {

  static final String XSS = "<img src=x onerror=alert(1)>";
  static final Duration LIVE = Duration.ofSeconds(1);
  static final Duration SLOW = Duration.ofSeconds(10);
  static final AtomicInteger PART = new AtomicInteger(1234500);

  static TestNode node;
  static VaultCalls admin;
  static VaultCalls alice;
  static VaultCalls bob;
  static Browser alicePage;
  static Browser bobPage;

  @BeforeAll
  static void start(Vertx vertx) {
    Browser.requireAvailable();
    node = await(TestNode.start(vertx));
    String adminToken = await(node.adminToken());
    admin = new VaultCalls(node, adminToken);
    alice = new VaultCalls(node, await(node.createUser(adminToken, "alice", "programmer")));
    bob = new VaultCalls(node, await(node.createUser(adminToken, "bob", "programmer")));
    alicePage = Browser.open(node.baseUrl()).login("alice", TestNode.passwordOf("alice"));
    bobPage = Browser.open(node.baseUrl()).login("bob", TestNode.passwordOf("bob"));
  }

  @AfterAll
  static void stop() {
    if (alicePage != null) {
      alicePage.close();
    }
    if (bobPage != null) {
      bobPage.close();
    }
    if (node != null) {
      await(node.close());
    }
  }

  /** On a failure both pages are saved as screenshots, with what they showed in toasts and dialogs. */
  @RegisterExtension
  final TestWatcher keepPagesOfFailures = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      String test = context.getRequiredTestMethod().getName();
      for (var entry : java.util.Map.of("alice", alicePage, "bob", bobPage).entrySet()) {
        Browser page = entry.getValue();
        page.screenshot("failed-" + test + "-" + entry.getKey());
        System.out.printf("%s's page after %s: %s%n", entry.getKey(), test, page.js(
          "return [...document.querySelectorAll(\"[data-testid='toast'], dialog\")].map(e => e.innerText).join(' | ')"));
      }
    }
  };

  @BeforeEach
  void bothPagesLive() {
    alicePage.waitUntilConnected(SLOW);
    bobPage.waitUntilConnected(SLOW);
  }

  static String newPart(String suffix) {
    return PART.incrementAndGet() + suffix;
  }

  @Test
  void bob_sees_alices_checkout_within_a_second_without_reloading() {
    String file = newPart("_OP10.nc");
    alice.createFile(file, "Flange roughing", "G21\nG90\nM30\n");
    alicePage.cardOf(file, SLOW);
    bobPage.cardOf(file, SLOW);
    assertThat(bobPage.lockText(file)).isEqualTo("Free");

    alicePage.clickAction(file, "checkout");
    WebElement message = alicePage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("prompt-input")));
    message.sendKeys("changing feeds");
    long clicked = System.nanoTime();
    alicePage.driver().findElement(testId("modal-confirm")).click();

    bobPage.waitFor(SLOW).until(d -> bobPage.lockText(file).startsWith("Locked by alice"));
    long elapsedMs = (System.nanoTime() - clicked) / 1_000_000;
    assertThat(elapsedMs).as("ms from alice's click to bob's page").isLessThan(LIVE.toMillis());
    assertThat(bobPage.textIn(file, "lock-message")).isEqualTo("changing feeds");
    assertThat(alicePage.lockText(file)).startsWith("Checked out by you");
    assertThat(bobPage.driver().findElements(By.cssSelector("[data-filename='" + file + "'] [data-action='checkout']")))
      .as("bob has no checkout button on a file alice holds").isEmpty();
    bobPage.screenshot("file-list");
  }

  @Test
  void bob_sees_the_new_revision_alice_checked_in_through_the_check_in_dialog() throws Exception {
    String file = newPart("_OP20.nc");
    alice.createFile(file, "Pocket finishing", "G21\nG0 X0 Y0\nM30\n");
    alice.checkout(file, "new pocket depth");
    alicePage.waitForLock(file, "Checked out by you", SLOW);

    // Under the vault file's own name: another name asks for a confirmation first (ShopFloorBrowserTest).
    Path upload = Files.createTempDirectory("ncvault-upload-").resolve(file);
    Files.writeString(upload, "G21\nG0 X0 Y0\n" + "G1 X10 Y10 F300\n".repeat(200_000) + "M30\n");
    try {
      alicePage.clickAction(file, "checkin");
      WebElement dialog = alicePage.dialog("checkin-modal", SLOW);
      assertThat(dialog.findElement(By.tagName("h2")).getText()).isEqualTo("Check In: " + file);
      dialog.findElement(testId("checkin-file")).sendKeys(upload.toString());
      dialog.findElement(testId("checkin-message")).sendKeys("deeper pocket");
      // A slow line makes the progress bar visible on the screenshot.
      alicePage.driver().setNetworkConditions(slowUpload());
      dialog.findElement(testId("upload-submit")).click();
      alicePage.waitFor(SLOW).until(d -> {
        Object v = alicePage.js("const p = document.querySelector(\"[data-testid='upload-progress']\"); return p && p.value;");
        return v instanceof Number n && n.doubleValue() > 0 ? n : null;
      });
      alicePage.screenshot("checkin-progress");
      alicePage.driver().deleteNetworkConditions();

      alicePage.waitForToast("Checked in " + file, Duration.ofSeconds(30));
      bobPage.waitFor(LIVE).until(d -> bobPage.textIn(file, "file-revision").equals("rev 1.1"));
      bobPage.waitFor(LIVE).until(d -> bobPage.lockText(file).equals("Free"));
      bobPage.waitForToast("alice checked in " + file, SLOW);
    } finally {
      alicePage.driver().deleteNetworkConditions();
      Files.deleteIfExists(upload);
      Files.deleteIfExists(upload.getParent());
    }
  }

  @Test
  void cancel_in_the_check_in_dialog_aborts_the_upload_and_keeps_the_revision() throws Exception {
    String file = newPart("_OP25.nc");
    alice.createFile(file, "Drilling", "G21\nM30\n");
    alice.checkout(file, "");
    alicePage.waitForLock(file, "Checked out by you", SLOW);
    Path upload = Files.createTempDirectory("ncvault-upload-").resolve(file);
    Files.writeString(upload, "G1 X1 Y1 F100\n".repeat(400_000));
    try {
      alicePage.clickAction(file, "checkin");
      WebElement dialog = alicePage.dialog("checkin-modal", SLOW);
      dialog.findElement(testId("checkin-file")).sendKeys(upload.toString());
      dialog.findElement(testId("checkin-message")).sendKeys("never arrives");
      alicePage.driver().setNetworkConditions(slowUpload());
      dialog.findElement(testId("upload-submit")).click();
      alicePage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("upload-progress")));
      dialog.findElement(testId("upload-cancel")).click();

      alicePage.waitForToast("Upload cancelled", SLOW);
      assertThat(alicePage.driver().findElements(testId("checkin-modal"))).isEmpty();
      assertThat(alice.file(file).getString("revision")).isEqualTo("1.0");
      assertThat(alicePage.lockText(file)).startsWith("Checked out by you");
    } finally {
      alicePage.driver().deleteNetworkConditions();
      Files.deleteIfExists(upload);
      Files.deleteIfExists(upload.getParent());
    }
  }

  private static ChromiumNetworkConditions slowUpload() {
    ChromiumNetworkConditions conditions = new ChromiumNetworkConditions();
    conditions.setLatency(Duration.ofMillis(5));
    conditions.setDownloadThroughput(10_000_000);
    conditions.setUploadThroughput(1_000_000);
    return conditions;
  }

  @Test
  void a_check_in_dialog_opened_before_an_override_cannot_undo_bobs_fix_after_alice_checks_out_again()
    throws Exception {
    String file = newPart("_OP35.nc");
    alice.createFile(file, "Roughing", "G21\nG1 X10 F500\nM30\n");
    alice.checkout(file, "new feeds");
    alicePage.waitForLock(file, "Checked out by you", SLOW);
    Path upload = Files.createTempDirectory("ncvault-upload-").resolve(file);
    Files.writeString(upload, "G21\nG1 X10 F900\nM30\n");
    try {
      alicePage.clickAction(file, "checkin");
      WebElement dialog = alicePage.dialog("checkin-modal", SLOW);
      dialog.findElement(testId("checkin-file")).sendKeys(upload.toString());
      dialog.findElement(testId("checkin-message")).sendKeys("my feeds");

      admin.override(file, "the tool broke, bob fixes the feed");
      bob.checkout(file, "fix");
      bob.checkin(file, "G21\nG1 X10 F250\nM30\n", "feed halved");
      alice.checkout(file, "again");
      alicePage.waitFor(SLOW).until(d -> alicePage.textIn(file, "file-revision").equals("rev 1.1"));

      dialog.findElement(testId("upload-submit")).click();
      alicePage.waitFor(SLOW).until(d -> !dialog.findElement(testId("upload-error")).getText().isEmpty());
      assertThat(dialog.findElement(testId("upload-error")).getText()).contains("has ended");
      JsonObject stored = alice.file(file);
      assertThat(stored.getString("revision")).isEqualTo("1.1");
      assertThat(stored.getString("lockedBy")).isEqualTo("alice");
    } finally {
      for (WebElement open : alicePage.driver().findElements(testId("checkin-modal"))) {
        open.findElement(testId("upload-cancel")).click();
      }
      alicePage.waitFor(SLOW).until(d -> d.findElements(testId("checkin-modal")).isEmpty());
      Files.deleteIfExists(upload);
      Files.deleteIfExists(upload.getParent());
    }
  }

  @Test
  void alice_gets_a_toast_when_an_admin_overrides_her_lock() {
    String file = newPart("_OP30.nc");
    alice.createFile(file, "Contour", "G21\nM30\n");
    alice.checkout(file, "lunch break");
    alicePage.waitForLock(file, "Checked out by you", SLOW);

    admin.override(file, "machine waiting");

    String toast = alicePage.waitForToast(file, SLOW);
    assertThat(toast.toLowerCase()).containsAnyOf("overrid", "overrode");
    alicePage.waitFor(LIVE).until(d -> alicePage.lockText(file).equals("Free"));
    bobPage.waitFor(LIVE).until(d -> bobPage.lockText(file).equals("Free"));
  }

  @Test
  void user_text_is_shown_as_text_and_runs_nothing() {
    String file = newPart("_OP40.nc");
    alice.createFile(file, XSS, "G21\nM30\n");
    alice.checkout(file, XSS);
    bobPage.waitForLock(file, "Locked by alice", SLOW);
    alice.checkin(file, "G21\nG0 X1\nM30\n", XSS);
    bobPage.waitFor(SLOW).until(d -> bobPage.textIn(file, "file-revision").equals("rev 1.1"));
    alice.checkout(file, XSS);
    bobPage.waitFor(SLOW).until(d -> bobPage.lockText(file).startsWith("Locked by alice"));

    assertThat(bobPage.textIn(file, "file-description")).isEqualTo(XSS);
    assertThat(bobPage.textIn(file, "lock-message")).isEqualTo(XSS);
    bobPage.clickAction(file, "history");
    WebElement history = bobPage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("history-table")));
    bobPage.waitFor(SLOW).until(d -> history.getText().contains(XSS));

    assertThat(bobPage.alertShown()).as("an alert was opened").isFalse();
    assertThat(bobPage.js("return document.querySelectorAll(\"img[src='x']\").length")).isEqualTo(0L);
    bobPage.closeDialog("history-modal", SLOW);
    assertThat(alicePage.alertShown()).isFalse();
  }

  @Test
  void history_shows_the_differences_between_two_g_code_revisions() {
    String file = newPart("_OP50.nc");
    alice.createFile(file, "Face milling", "%\nO1000\nG21 G90\nG0 X0 Y0\nG1 Z-1 F100\nM30\n%\n");
    alice.checkout(file, "new start point");
    alice.checkin(file, "%\nO1000\nG21 G90\nG0 X10 Y5\nM8\nG1 Z-1 F100\nM30\n%\n", "start at X10 Y5, coolant on");

    bobPage.cardOf(file, SLOW);
    bobPage.waitFor(SLOW).until(d -> bobPage.textIn(file, "file-revision").equals("rev 1.1"));
    bobPage.clickAction(file, "history");
    WebElement show = bobPage.waitFor(SLOW).until(ExpectedConditions.elementToBeClickable(testId("show-diff")));
    List<WebElement> rows = bobPage.driver().findElements(testId("history-row"));
    assertThat(rows).hasSize(2);
    assertThat(rows.get(0).getText()).contains("1.1", "alice", "start at X10 Y5, coolant on");
    show.click();

    bobPage.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid='diff-line'][data-kind='add']")));
    List<WebElement> removed = bobPage.driver().findElements(By.cssSelector("[data-testid='diff-line'][data-kind='del']"));
    List<WebElement> added = bobPage.driver().findElements(By.cssSelector("[data-testid='diff-line'][data-kind='add']"));
    assertThat(removed).extracting(e -> e.findElement(By.className("diff-text")).getText()).containsExactly("G0 X0 Y0");
    assertThat(added).extracting(e -> e.findElement(By.className("diff-text")).getText()).containsExactly("G0 X10 Y5", "M8");
    assertThat(removed.get(0).findElement(By.className("diff-old")).getText()).isEqualTo("4");
    assertThat(added.get(1).findElement(By.className("diff-new")).getText()).isEqualTo("5");
    bobPage.screenshot("history-diff");
    bobPage.closeDialog("history-modal", SLOW);
  }

  @Test
  void the_dashboard_ticks_checkout_durations_and_shows_activity_and_charts_live() {
    String file = newPart("_OP60.nc");
    alice.createFile(file, "Slotting", "G21\nM30\n");
    alice.checkout(file, "slot width");
    alice.checkin(file, "G21\nG1 X5\nM30\n", "wider slot");
    alice.checkout(file, "one more pass");

    alicePage.driver().findElement(testId("nav-dashboard")).click();
    // The table is redrawn when the stats are reloaded, so the duration is read afresh each time.
    String durationOfRow = "const r = document.querySelector(\"[data-testid='checkout-row'][data-filename='\" + arguments[0] + \"']\");"
      + "return r ? r.querySelector(\"[data-testid='checkout-duration']\").textContent : null;";
    String first = (String) alicePage.waitFor(SLOW).until(d -> alicePage.js(durationOfRow, file));
    assertThat(first).matches("\\d+s|\\d+d \\d+h \\d+m");
    alicePage.waitFor(Duration.ofSeconds(3)).until(d -> !first.equals(alicePage.js(durationOfRow, file)));
    alicePage.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(
      By.cssSelector("[data-testid='chart-checkins'] rect.chart-bar")));
    alicePage.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(
      By.cssSelector("[data-testid='chart-locks'] rect[data-user='alice']")));
    assertThat(alicePage.js("return document.querySelector(\"[data-testid='chart-checkins']\").textContent"))
      .asString().contains("Check-ins per day");

    String other = newPart("_OP61.nc");
    bob.createFile(other, "Chamfer", "G21\nM30\n");
    bob.checkout(other, "chamfer size");
    alicePage.waitFor(SLOW).until(d -> d.findElement(testId("activity-feed")).getText().contains("bob checked out " + other));
    Select events = new Select(alicePage.driver().findElement(testId("activity-type")));
    assertThat(events.getOptions()).extracting(WebElement::getText).contains("All events", "checked out", "checked in");
    events.selectByValue("checkin");
    // Read in one script: the feed is redrawn when the filter's answer arrives.
    alicePage.waitFor(SLOW).until(d -> Boolean.TRUE.equals(alicePage.js(
      "const types = [...document.querySelectorAll(\"[data-testid='activity-item']\")].map(i => i.dataset.type);"
        + "return types.length > 0 && types.every(t => t === 'checkin');")));
    events.selectByValue("");
    alicePage.waitFor(SLOW).until(d -> d.findElement(testId("activity-feed")).getText().contains("bob checked out " + other));
    alicePage.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(
      By.cssSelector("[data-testid='checkout-row'][data-filename='" + other + "']")));
    alicePage.driver().manage().window().setSize(new Dimension(1280, 1300));
    alicePage.screenshot("dashboard");
    alicePage.driver().manage().window().setSize(new Dimension(1280, 900));
    alicePage.driver().findElement(testId("nav-files")).click();
  }

  @Test
  void the_page_shows_offline_while_the_server_is_down_then_reconnects_and_shows_what_changed() {
    String file = newPart("_OP70.nc");
    alice.createFile(file, "Boring", "G21\nM30\n");
    bobPage.cardOf(file, SLOW);

    await(node.stopNode());
    bobPage.waitFor(SLOW).until(d -> bobPage.connectionState().equals("offline"));
    bobPage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("offline-banner")));
    bobPage.screenshot("offline");

    await(node.restart());
    // The change is made on the restarted node; bob's page learns it on reconnect (catch-up from its last seq).
    alice.checkout(file, "made while bob was away");
    bobPage.waitFor(Duration.ofSeconds(40)).until(d -> bobPage.connectionState().equals("connected"));
    bobPage.waitFor(SLOW).until(d -> bobPage.lockText(file).startsWith("Locked by alice"));
    assertThat(bobPage.driver().findElement(testId("offline-banner")).isDisplayed()).isFalse();
    alicePage.waitUntilConnected(Duration.ofSeconds(40));
  }

  @Test
  void bobs_watch_survives_a_reload_and_a_server_restart_and_the_notice_reaches_his_inbox() {
    String file = newPart("_OP80.nc");
    alice.createFile(file, "Threading", "G21\nM30\n");
    alice.checkout(file, "thread pitch");
    bobPage.waitForLock(file, "Locked by alice", SLOW);
    int unreadBefore = unread(bobPage);

    bobPage.clickAction(file, "watch");
    By stopWatching = By.cssSelector("[data-filename='" + file + "'] [data-action='unwatch']");
    bobPage.waitFor(SLOW).until(d -> !d.findElements(stopWatching).isEmpty());
    bobPage.reload();
    bobPage.waitFor(SLOW).until(d -> !d.findElements(stopWatching).isEmpty());

    await(node.restart());
    bobPage.waitFor(Duration.ofSeconds(40)).until(d -> bobPage.connectionState().equals("connected"));
    bobPage.reload();
    bobPage.waitFor(SLOW).until(d -> !d.findElements(stopWatching).isEmpty());
    alice.cancelCheckout(file);

    bobPage.waitFor(SLOW).until(d -> bobPage.lockText(file).equals("Free"));
    bobPage.waitForToast(text -> text.contains(file) && text.toLowerCase().contains("free"), SLOW);
    bobPage.waitFor(SLOW).until(d -> unread(bobPage) == unreadBefore + 1);
    assertThat(bobPage.driver().findElements(stopWatching)).as("the watch ended with its notice").isEmpty();
    bobPage.driver().findElement(testId("inbox")).click();
    WebElement inbox = bobPage.dialog("inbox-modal", SLOW);
    bobPage.waitFor(SLOW).until(d -> inbox.findElements(testId("notice")).stream()
      .anyMatch(n -> n.getText().contains(file + ", which you watch, is free now")));
    bobPage.closeDialog("inbox-modal", SLOW);
    alicePage.waitUntilConnected(Duration.ofSeconds(40));
  }

  @Test
  void bob_reads_his_notices_in_one_page_and_his_other_page_follows() {
    String file = newPart("_OP85.nc");
    alice.createFile(file, "Boring", "G21\nM30\n");
    alice.checkout(file, "boring bar");
    try (Browser second = Browser.open(node.baseUrl()).login("bob", TestNode.passwordOf("bob"))) {
      int before = unread(bobPage);
      admin.sendMessage("bob", "Please check the fixture " + XSS);
      bobPage.waitFor(SLOW).until(d -> unread(bobPage) == before + 1);
      second.waitFor(SLOW).until(d -> unread(second) == before + 1);
      assertThat(second.driver().findElement(testId("inbox-unread")).getText()).isEqualTo(String.valueOf(before + 1));

      bobPage.driver().findElement(testId("inbox")).click();
      WebElement inbox = bobPage.dialog("inbox-modal", SLOW);
      WebElement message = bobPage.waitFor(SLOW).until(d -> inbox.findElements(testId("notice")).stream()
        .filter(n -> n.getText().contains("Please check the fixture")).findFirst().orElse(null));
      assertThat(message.getText()).contains(XSS);
      assertThat(bobPage.alertShown()).isFalse();
      message.findElement(testId("notice-read")).click();
      second.waitFor(SLOW).until(d -> unread(second) == before);
      inbox.findElement(testId("inbox-read-all")).click();
      second.waitFor(SLOW).until(d -> unread(second) == 0);
      assertThat(second.driver().findElement(testId("inbox-unread")).isDisplayed()).isFalse();
      bobPage.waitFor(SLOW).until(d -> unread(bobPage) == 0);

      // The watches are listed in the inbox and removable there; the other page follows.
      bob.watch(file);
      By stopWatching = By.cssSelector("[data-filename='" + file + "'] [data-action='unwatch']");
      second.waitFor(SLOW).until(d -> !d.findElements(stopWatching).isEmpty());
      WebElement watch = bobPage.waitFor(SLOW).until(d -> inbox.findElements(testId("watch")).stream()
        .filter(w -> file.equals(w.getAttribute("data-filename"))).findFirst().orElse(null));
      watch.findElement(testId("watch-remove")).click();
      second.waitFor(SLOW).until(d -> d.findElements(stopWatching).isEmpty());
      bobPage.waitFor(SLOW).until(d -> inbox.findElements(testId("watch")).stream()
        .noneMatch(w -> file.equals(w.getAttribute("data-filename"))));
      bobPage.screenshot("inbox");
      bobPage.closeDialog("inbox-modal", SLOW);
    }
  }

  private static int unread(Browser page) {
    return Integer.parseInt(page.driver().findElement(testId("inbox")).getAttribute("data-unread"));
  }

  @Test
  void an_expired_session_returns_to_the_login_page_with_a_message() {
    try (Browser page = Browser.open(node.baseUrl()).login("bob", TestNode.passwordOf("bob"))) {
      page.driver().manage().deleteCookieNamed("pdm_session");
      page.driver().findElement(testId("refresh")).click();
      page.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("login-form")));
      assertThat(page.driver().findElement(testId("login-message")).getText()).isEqualTo("Session expired - login again");
      assertThat(page.driver().findElement(By.id("app")).isDisplayed()).isFalse();
    }
  }

  @Test
  void a_new_file_added_in_the_new_file_dialog_appears_on_bobs_page() throws Exception {
    String file = newPart("_OP90.nc");
    Path upload = Files.createTempDirectory("ncvault-new-").resolve(file);
    Files.writeString(upload, "%\nO2000\nG21\nM30\n%\n");
    try {
      alicePage.driver().findElement(testId("new-file")).click();
      WebElement dialog = alicePage.dialog("new-file-modal", SLOW);
      dialog.findElement(testId("new-file-input")).sendKeys(upload.toString());
      dialog.findElement(testId("new-file-description")).sendKeys("Spindle housing, op 90");
      dialog.findElement(testId("upload-submit")).click();

      bobPage.cardOf(file, SLOW);
      assertThat(bobPage.textIn(file, "file-description")).isEqualTo("Spindle housing, op 90");
      assertThat(bobPage.textIn(file, "file-revision")).isEqualTo("rev 1.0");
      assertThat(bobPage.lockText(file)).isEqualTo("Free");
      bobPage.waitForToast("alice added " + file, SLOW);
    } finally {
      Files.deleteIfExists(upload);
      Files.deleteIfExists(upload.getParent());
    }
  }

  @Test
  void an_admin_deletes_a_file_after_confirming_and_restores_it_from_the_admin_view() {
    String file = newPart("_OP95.nc");
    alice.createFile(file, "Old fixture", "G21\nM30\n");
    try (Browser adminPage = Browser.open(node.baseUrl()).login("admin", TestNode.ADMIN_PASSWORD)) {
      adminPage.clickAction(file, "delete");
      WebElement confirm = adminPage.dialog("confirm-modal", SLOW);
      confirm.findElement(testId("modal-confirm")).click();
      bobPage.waitFor(SLOW).until(d -> d.findElements(Browser.card(file)).isEmpty());

      adminPage.driver().findElement(testId("nav-admin")).click();
      WebElement restore = adminPage.waitFor(SLOW).until(ExpectedConditions.elementToBeClickable(
        By.cssSelector("[data-testid='deleted-file'][data-filename='" + file + "'] [data-action='restore']")));
      adminPage.screenshot("admin");
      restore.click();

      bobPage.cardOf(file, SLOW);
      adminPage.waitFor(SLOW).until(d -> d.findElements(
        By.cssSelector("[data-testid='deleted-file'][data-filename='" + file + "']")).isEmpty());
      adminPage.driver().findElement(testId("nav-files")).click();
    }
  }

  @Test
  void bob_gets_the_message_an_admin_sends_from_the_admin_view() {
    try (Browser adminPage = Browser.open(node.baseUrl()).login("admin", TestNode.ADMIN_PASSWORD)) {
      adminPage.driver().findElement(testId("nav-admin")).click();
      adminPage.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(
        By.cssSelector("[data-testid='user-row'][data-username='bob']")));
      adminPage.driver().findElement(testId("message-to")).sendKeys("bob");
      adminPage.driver().findElement(testId("message-text")).sendKeys("Please check in " + XSS);
      adminPage.driver().findElement(testId("message-send")).click();

      String toast = bobPage.waitForToast("Please check in", SLOW);
      assertThat(toast).contains("admin").contains(XSS);
      assertThat(bobPage.alertShown()).isFalse();
      adminPage.waitForToast("Message sent to bob", SLOW);
    }
  }

  @Test
  void history_of_a_binary_file_offers_no_differences() {
    String file = newPart("_FIX.mcam");
    alice.createFile(file, "Fixture model", "MCAM\u0000\u0001\u0002binary");
    alice.checkout(file, "");
    alice.checkin(file, "MCAM\u0000\u0003\u0004binary", "moved clamp");

    bobPage.cardOf(file, SLOW);
    bobPage.waitFor(SLOW).until(d -> bobPage.textIn(file, "file-revision").equals("rev 1.1"));
    bobPage.clickAction(file, "history");
    WebElement note = bobPage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("binary-note")));
    assertThat(note.getText()).startsWith("A binary file: no viewer and no differences.");
    assertThat(bobPage.driver().findElements(testId("show-diff"))).isEmpty();
    bobPage.closeDialog("history-modal", SLOW);
  }
}
