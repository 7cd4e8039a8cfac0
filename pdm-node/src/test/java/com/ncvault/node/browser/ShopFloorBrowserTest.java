package com.ncvault.node.browser;

import com.ncvault.node.TestNode;
import io.vertx.core.Vertx;
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
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static com.ncvault.node.browser.Browser.testId;
import static com.ncvault.node.browser.VaultCalls.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a shop-floor user trips over, fixed: a check-in of a file with another name, revision
 * names on downloads, the table view with bulk download, the program viewer, the admin's role
 * changes and form rules, the browser going offline, and every view and dialog at phone width.
 * One node; alice and an admin in two browsers; bob acts through the API.
 */
@ExtendWith(VertxExtension.class)
class ShopFloorBrowserTest {

  static final Duration SLOW = Duration.ofSeconds(10);
  static final AtomicInteger PART = new AtomicInteger(4400000);

  static TestNode node;
  static VaultCalls admin;
  static VaultCalls alice;
  static VaultCalls bob;
  static Browser alicePage;
  static Browser adminPage;
  static Path uploads;

  @BeforeAll
  static void start(Vertx vertx) throws IOException {
    Browser.requireAvailable();
    node = await(TestNode.start(vertx));
    String adminToken = await(node.adminToken());
    admin = new VaultCalls(node, adminToken);
    alice = new VaultCalls(node, await(node.createUser(adminToken, "alice", "programmer")));
    bob = new VaultCalls(node, await(node.createUser(adminToken, "bob", "programmer")));
    await(node.createUser(adminToken, "dora", "programmer"));
    uploads = Files.createTempDirectory("ncvault-uploads-");
    alicePage = Browser.open(node.baseUrl()).login("alice", TestNode.passwordOf("alice"));
    adminPage = Browser.open(node.baseUrl()).login("admin", TestNode.ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() throws IOException {
    for (Browser page : new Browser[] {alicePage, adminPage}) {
      if (page != null) {
        page.close();
      }
    }
    if (node != null) {
      await(node.close());
    }
    if (uploads != null) {
      try (var files = Files.walk(uploads)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  @RegisterExtension
  final TestWatcher keepPagesOfFailures = new TestWatcher() {
    @Override
    public void testFailed(ExtensionContext context, Throwable cause) {
      String test = context.getRequiredTestMethod().getName();
      for (var entry : Map.of("alice", alicePage, "admin", adminPage).entrySet()) {
        entry.getValue().screenshot("failed-" + test + "-" + entry.getKey());
      }
    }
  };

  @BeforeEach
  void pagesLiveAtDesktopSizeWithNoDialog() {
    for (Browser page : new Browser[] {alicePage, adminPage}) {
      page.offline(false);
      page.resetViewport();
      page.js("document.querySelectorAll('dialog').forEach(d => d.remove());");
      page.waitUntilConnected(SLOW);
    }
  }

  static String newPart(String suffix) {
    return PART.incrementAndGet() + suffix;
  }

  /** A file to choose in a file field, named {@code name}. */
  static Path upload(String name, String content) {
    try {
      Path dir = Files.createTempDirectory(uploads, "u");
      return Files.writeString(dir.resolve(name), content);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String readString(Path file) {
    try {
      return Files.readString(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  // ---------------------------------------------------------------- check-in

  @Test
  void a_file_with_another_name_is_checked_in_only_after_alice_confirms_it_in_a_dialog_of_its_own() {
    String file = newPart("_AB1.nc");
    alice.createFile(file, "Bracket", "G21\nM30\n");
    alice.checkout(file, "new feeds");
    alicePage.waitForLock(file, "Checked out by you", SLOW);

    alicePage.clickAction(file, "checkin");
    WebElement checkin = alicePage.dialog("checkin-modal", SLOW);
    checkin.findElement(testId("checkin-file")).sendKeys(upload("v3.nc", "G21\nG0 X3\nM30\n").toString());
    WebElement warning = checkin.findElement(testId("checkin-name-warning"));
    assertThat(warning.isDisplayed()).as("the warning shows as soon as the file is chosen").isTrue();
    assertThat(warning.getText()).contains("named v3.nc, not " + file);
    checkin.findElement(testId("checkin-message")).sendKeys("from the machine");
    checkin.findElement(testId("upload-submit")).click();

    WebElement mismatch = alicePage.dialog("name-mismatch-modal", SLOW);
    assertThat(mismatch.getText()).contains("You chose v3.nc to check in as " + file);
    mismatch.findElement(testId("modal-cancel")).click();
    alicePage.waitFor(SLOW).until(d -> d.findElements(testId("name-mismatch-modal")).isEmpty());
    assertThat(checkin.isDisplayed()).as("back in the check-in dialog").isTrue();
    assertThat(alice.file(file).getString("revision")).as("nothing was sent").isEqualTo("1.0");

    checkin.findElement(testId("upload-submit")).click();
    alicePage.dialog("name-mismatch-modal", SLOW).findElement(testId("modal-confirm")).click();
    alicePage.waitForToast("Checked in " + file, SLOW);
    assertThat(alice.file(file).getString("revision")).isEqualTo("1.1");
  }

  // ---------------------------------------------------------------- downloads

  @Test
  void an_older_revision_is_saved_under_a_name_with_its_revision_the_current_one_under_its_own() {
    String file = newPart("_AB2.nc");
    String base = file.substring(0, file.length() - ".nc".length());
    alice.createFile(file, "Cover", "G21\n(rev 1.0)\nM30\n");
    alice.checkout(file, "");
    alice.checkin(file, "G21\n(rev 1.1)\nM30\n", "second");
    alicePage.cardOf(file, SLOW);
    alicePage.waitFor(SLOW).until(d -> alicePage.textIn(file, "file-revision").equals("rev 1.1"));

    alicePage.clickAction(file, "history");
    alicePage.dialog("history-modal", SLOW);
    WebElement old = alicePage.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(
      By.cssSelector("[data-testid='history-row'][data-revision='1.0'] [data-testid='history-download']")));
    WebElement current = alicePage.driver().findElement(
      By.cssSelector("[data-testid='history-row'][data-revision='1.1'] [data-testid='history-download']"));
    assertThat(old.getAttribute("download")).isEqualTo(base + "_rev1.0.nc");
    assertThat(current.getAttribute("download")).isEqualTo(file);

    old.click();
    assertThat(readString(alicePage.waitForDownload(base + "_rev1.0.nc", SLOW))).contains("(rev 1.0)");
    current.click();
    assertThat(readString(alicePage.waitForDownload(file, SLOW))).contains("(rev 1.1)");
    alicePage.closeDialog("history-modal", SLOW);
  }

  // ---------------------------------------------------------------- table view

  @SuppressWarnings("unchecked")
  static List<String> rowNames(Browser page) {
    return (List<String>) page.js("return [...document.querySelectorAll(\"[data-testid='file-row']\")].map(r => r.dataset.filename);");
  }

  static WebElement row(Browser page, String filename) {
    return page.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(
      By.cssSelector("[data-testid='file-row'][data-filename='" + filename + "']")));
  }

  @Test
  void the_table_sorts_across_groups_selects_ranges_downloads_a_zip_and_is_remembered() throws IOException {
    String a = "1111" + newPart("_T.nc").substring(4);
    String b = "9999" + newPart("_T.nc").substring(4);
    String c = "fixture-" + newPart(".nc");
    Map<String, String> contents = new LinkedHashMap<>();
    contents.put(a, "G21\n(a)\nM30\n");
    contents.put(b, "G21\n(b)\nM30\n");
    contents.put(c, "G21\n(c)\nM30\n");
    alice.createFile(a, "tablecase roughing", contents.get(a));
    alice.createFile(b, "tablecase", contents.get(b));
    alice.createFile(c, "tablecase clamp", contents.get(c));
    bob.checkout(b, "probing");
    alicePage.cardOf(c, SLOW);

    alicePage.driver().findElement(testId("list-table")).click();
    alicePage.searchFor("tablecase", SLOW);
    alicePage.waitFor(SLOW).until(d -> rowNames(alicePage).size() == 3);
    assertThat(rowNames(alicePage)).as("by name, across the groups 11XXXXX, 99XXXXX and Misc").containsExactly(a, b, c);
    alicePage.driver().findElement(testId("sort-name")).click();
    alicePage.waitFor(SLOW).until(d -> rowNames(alicePage).equals(List.of(c, b, a)));
    alicePage.driver().findElement(testId("sort-holder")).click();
    alicePage.waitFor(SLOW).until(d -> rowNames(alicePage).get(0).equals(b));
    assertThat(row(alicePage, b).findElement(testId("row-holder")).getText()).isEqualTo("bob");
    alicePage.driver().findElement(testId("sort-name")).click();
    alicePage.waitFor(SLOW).until(d -> rowNames(alicePage).equals(List.of(a, b, c)));

    row(alicePage, a).findElement(testId("row-select")).click();
    new Actions(alicePage.driver()).keyDown(Keys.SHIFT).click(row(alicePage, c).findElement(testId("row-select")))
      .keyUp(Keys.SHIFT).perform();
    alicePage.waitFor(SLOW).until(d -> d.findElement(testId("selection-bar")).getText().contains("3 selected"));
    assertThat(alicePage.js("return document.querySelector(\"[data-testid='select-all']\").checked")).isEqualTo(true);
    alicePage.screenshot("table-view");

    alicePage.driver().findElement(testId("download-selected")).click();
    Path zip = alicePage.waitForDownload("ncvault-3-files.zip", SLOW);
    try (ZipFile entries = new ZipFile(zip.toFile())) {
      Map<String, String> inZip = new LinkedHashMap<>();
      for (ZipEntry entry : java.util.Collections.list(entries.entries())) {
        inZip.put(entry.getName(), new String(entries.getInputStream(entry).readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
      }
      assertThat(inZip).containsExactlyInAnyOrderEntriesOf(contents);
    }

    bob.cancelCheckout(b);
    alicePage.waitFor(SLOW).until(d -> row(alicePage, b).findElement(testId("row-status")).getText().equals("Free"));

    alicePage.driver().findElement(testId("select-all")).click();
    alicePage.waitFor(SLOW).until(d -> !d.findElement(testId("selection-bar")).isDisplayed());
    alicePage.reload();
    assertThat(alicePage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("file-table")))).isNotNull();
    assertThat(alicePage.driver().findElement(testId("list-table")).getAttribute("aria-pressed")).isEqualTo("true");
    alicePage.driver().findElement(testId("list-cards")).click();
    alicePage.searchFor(" ", SLOW);
  }

  // ---------------------------------------------------------------- viewer

  static String bigProgram(int lines) {
    StringBuilder program = new StringBuilder("%\nO1234 (VIEWER <b>TEST</b>)\nT5 M06\n");
    for (int i = 1; i <= lines; i++) {
      program.append("N").append(i).append(" G01 X").append(i).append(".5 Y-2 F300 (pass ").append(i).append(")\n");
    }
    return program.append("M30\n%\n").toString();
  }

  @SuppressWarnings("unchecked")
  static List<String> viewerLines(Browser page) {
    return (List<String>) page.js("return [...document.querySelectorAll(\"[data-testid='viewer-line']\")]"
      + ".map(l => l.querySelector('.code-no').textContent + '|' + l.querySelector('.code-text').textContent);");
  }

  @Test
  void the_viewer_shows_a_program_numbered_and_highlighted_page_by_page_and_binary_files_offer_no_viewer_nor_diff() {
    String file = newPart("_OP30.nc");
    int steps = 9000;
    String program = bigProgram(steps);
    assertThat(program.length()).isGreaterThan(300_000);
    alice.createFile(file, "Long finishing program", program);
    alicePage.cardOf(file, SLOW);
    alicePage.clickAction(file, "viewer");
    WebElement viewer = alicePage.dialog("viewer-modal", SLOW);
    alicePage.waitFor(SLOW).until(d -> viewerLines(alicePage).size() > 100);
    List<String> first = viewerLines(alicePage);
    assertThat(first.size()).as("the first page only").isLessThan(steps);
    assertThat(first.subList(0, 4)).containsExactly("1|%", "2|O1234 (VIEWER <b>TEST</b>)", "3|T5 M06", "4|N1 G01 X1.5 Y-2 F300 (pass 1)");
    assertThat(alicePage.js("return document.querySelectorAll(\"[data-testid='viewer-code'] b\").length")).isEqualTo(0L);
    assertThat(alicePage.js("const l = document.querySelectorAll(\"[data-testid='viewer-line']\")[2];"
      + "return [l.classList.contains('code-toolchange'), l.querySelector('.tok-tool').textContent, l.querySelector('.tok-toolchange').textContent]"))
      .isEqualTo(List.of(true, "T5", "M06"));
    assertThat(alicePage.js("const l = document.querySelectorAll(\"[data-testid='viewer-line']\")[3];"
      + "return [...l.querySelectorAll('.tok')].map(t => t.className.replace('tok tok-', '') + ':' + t.textContent)"))
      .isEqualTo(List.of("lineno:N1", "gcode:G01", "coord:X1.5", "coord:Y-2", "feed:F300", "comment:(pass 1)"));
    assertThat(viewer.findElement(testId("viewer-status")).getText()).startsWith("Lines 1\u2013" + first.size() + " shown");
    alicePage.screenshot("viewer");

    viewer.findElement(testId("viewer-more")).click();
    alicePage.waitFor(SLOW).until(d -> viewerLines(alicePage).size() == steps + 5);
    List<String> all = viewerLines(alicePage);
    assertThat(all.get(first.size())).as("the page boundary splits no line")
      .isEqualTo((first.size() + 1) + "|N" + (first.size() - 2) + " G01 X" + (first.size() - 2) + ".5 Y-2 F300 (pass " + (first.size() - 2) + ")");
    assertThat(all.get(all.size() - 1)).isEqualTo((steps + 5) + "|%");
    assertThat(viewer.findElement(testId("viewer-status")).getText()).startsWith((steps + 5) + " lines");
    assertThat(viewer.findElement(testId("viewer-more")).isDisplayed()).isFalse();
    alicePage.closeDialog("viewer-modal", SLOW);

    String model = newPart("_FIX.mcam");
    alice.createFile(model, "Fixture model", "MCAM\u0000\u0001\u0002binary");
    alice.checkout(model, "");
    alice.checkin(model, "MCAM\u0000\u0003\u0004binary", "moved clamp");
    String disguised = newPart("_DUMP.nc");
    alice.createFile(disguised, "A binary dump under an NC name", "\u0000\u0001G21");
    alice.checkout(disguised, "");
    alice.checkin(disguised, "\u0000\u0002G21", "again");
    alicePage.cardOf(model, SLOW);
    alicePage.waitFor(SLOW).until(d -> alicePage.textIn(model, "file-revision").equals("rev 1.1"));
    assertThat(alicePage.cardOf(model, SLOW).findElements(By.cssSelector("[data-action='viewer']")))
      .as("no viewer on a card of a .mcam file").isEmpty();
    for (String binary : List.of(model, disguised)) {
      alicePage.waitFor(SLOW).until(d -> alicePage.textIn(binary, "file-revision").equals("rev 1.1"));
      alicePage.clickAction(binary, "history");
      WebElement history = alicePage.dialog("history-modal", SLOW);
      alicePage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("binary-note")));
      assertThat(history.findElements(testId("show-diff"))).as("no differences for %s", binary).isEmpty();
      assertThat(history.findElements(testId("history-view"))).as("no viewer for %s", binary).isEmpty();
      assertThat(history.findElements(testId("history-download"))).hasSize(2);
      alicePage.closeDialog("history-modal", SLOW);
    }
  }

  // ---------------------------------------------------------------- administration, accessible names

  @Test
  void a_role_changes_only_after_the_admin_confirms_and_the_new_user_form_says_what_is_wrong_while_typing() {
    adminPage.driver().findElement(testId("nav-admin")).click();
    By doraRole = By.cssSelector("select[data-testid='user-role'][data-username='dora']");
    Select role = new Select(adminPage.waitFor(SLOW).until(ExpectedConditions.elementToBeClickable(doraRole)));
    role.selectByValue("admin");
    WebElement confirm = adminPage.dialog("role-confirm-modal", SLOW);
    assertThat(confirm.getText()).contains("dora is programmer now and becomes admin");
    assertThat(admin.roleOf("dora")).as("choosing in the list changed nothing").isEqualTo("programmer");
    confirm.findElement(testId("modal-cancel")).click();
    adminPage.waitFor(SLOW).until(d -> new Select(d.findElement(doraRole)).getFirstSelectedOption().getAttribute("value").equals("programmer"));
    assertThat(admin.roleOf("dora")).isEqualTo("programmer");

    new Select(adminPage.driver().findElement(doraRole)).selectByValue("viewer");
    adminPage.dialog("role-confirm-modal", SLOW).findElement(testId("modal-confirm")).click();
    adminPage.waitForToast("dora is now viewer", SLOW);
    assertThat(admin.roleOf("dora")).isEqualTo("viewer");

    WebElement name = adminPage.driver().findElement(testId("new-user-name"));
    WebElement password = adminPage.driver().findElement(testId("new-user-password"));
    name.sendKeys("Erik Berg");
    assertThat(adminPage.driver().findElement(testId("new-user-name-hint")).getText()).contains("lower-case letters");
    assertThat(name.getAttribute("aria-invalid")).isEqualTo("true");
    password.sendKeys("short");
    assertThat(adminPage.driver().findElement(testId("new-user-password-hint")).getText())
      .isEqualTo("A password has at least 8 characters (5 so far).");
    adminPage.driver().findElement(testId("new-user-submit")).click();
    assertThat(admin.roleOf("erik")).as("nothing is sent while a rule is broken").isNull();
    name.clear();
    name.sendKeys("erik");
    password.sendKeys(" and longer");
    assertThat(adminPage.driver().findElement(testId("new-user-name-hint")).getText()).isEqualTo("\u2713");
    assertThat(adminPage.driver().findElement(testId("new-user-password-hint")).getText()).isEqualTo("\u2713");
    adminPage.driver().findElement(testId("new-user-submit")).click();
    adminPage.waitForToast("User erik created", SLOW);
    assertThat(admin.roleOf("erik")).isEqualTo("programmer");

    WebElement reset = adminPage.driver().findElement(By.cssSelector("[data-testid='user-row'][data-username='erik'] [data-testid='user-password']"));
    assertThat(reset.getAccessibleName()).isEqualTo("Reset the password of erik");
    reset.click();
    WebElement prompt = adminPage.dialog("prompt-modal", SLOW);
    prompt.findElement(testId("prompt-input")).sendKeys("1234");
    assertThat(prompt.findElement(testId("prompt-problem")).getText()).isEqualTo("A password has at least 8 characters (4 so far).");
    adminPage.closeDialog("prompt-modal", SLOW);
    adminPage.driver().findElement(testId("nav-files")).click();
  }

  @Test
  void every_action_on_a_file_names_the_file_for_screen_readers() {
    String file = newPart("_AB3.nc");
    alice.createFile(file, "Lever", "G21\nM30\n");
    WebElement card = alicePage.cardWithAction(file, "checkout", SLOW);
    List<String> names = card.findElements(By.cssSelector(".card-actions button, .card-actions a")).stream()
      .map(WebElement::getAccessibleName).toList();
    // a programmer may send a draft to review: State
    assertThat(names).containsExactly("Download " + file, "Check out " + file, "View " + file, "History " + file,
      "State " + file);
  }

  // ---------------------------------------------------------------- offline

  @Test
  void when_the_browser_goes_offline_the_page_says_so_at_once_turns_off_server_actions_and_catches_up_when_back() {
    String file = newPart("_OP40.nc");
    alice.createFile(file, "Spindle nose", "G21\nM30\n");
    alicePage.cardWithAction(file, "checkout", SLOW);

    long cut = System.nanoTime();
    alicePage.offline(true);
    alicePage.waitFor(SLOW).until(d -> alicePage.connectionState().equals("offline"));
    long noticedMs = (System.nanoTime() - cut) / 1_000_000;
    System.out.printf("offline noticed %d ms after the network was cut%n", noticedMs);
    assertThat(noticedMs).as("ms until the page shows offline").isLessThan(2000);
    WebElement banner = alicePage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("offline-banner")));
    assertThat(banner.getText()).contains("This computer is offline", "Checking out, checking in and downloads are off");
    WebElement checkout = alicePage.cardOf(file, SLOW).findElement(By.cssSelector("[data-action='checkout']"));
    assertThat(checkout.isEnabled()).isFalse();
    assertThat(checkout.getAttribute("data-tip")).startsWith("Not available offline");
    assertThat(alicePage.driver().findElement(testId("new-file")).isEnabled()).isFalse();
    assertThat(alicePage.cardOf(file, SLOW).findElement(testId("action-download")).getAttribute("aria-disabled")).isEqualTo("true");
    alicePage.screenshot("offline-browser");

    bob.checkout(file, "while alice was offline");
    alicePage.offline(false);
    alicePage.waitUntilConnected(SLOW);
    alicePage.waitFor(SLOW).until(d -> alicePage.lockText(file).startsWith("Locked by bob"));
    alicePage.waitFor(SLOW).until(d -> !d.findElement(testId("offline-banner")).isDisplayed());
    assertThat(alicePage.driver().findElement(testId("new-file")).isEnabled()).isTrue();
    bob.cancelCheckout(file);
  }

  // ---------------------------------------------------------------- phone width

  /** What overflows sideways now: the page, or any open dialog (testid: scrollWidth > clientWidth). */
  @SuppressWarnings("unchecked")
  static List<String> overflows(Browser page) {
    return (List<String>) page.js(
      "const out = [];"
        + "const doc = document.documentElement;"
        + "if (doc.scrollWidth > window.innerWidth) out.push('page ' + doc.scrollWidth + ' > ' + window.innerWidth);"
        + "for (const d of document.querySelectorAll('dialog[open]')) {"
        + "  if (d.scrollWidth > d.clientWidth) out.push((d.dataset.testid || 'dialog') + ' ' + d.scrollWidth + ' > ' + d.clientWidth);"
        + "}"
        + "for (const w of document.querySelectorAll('.table-wrap')) {"
        + "  if (w.offsetParent && w.scrollWidth > w.clientWidth + 1) out.push('table ' + (w.firstElementChild.dataset.testid || '') + ' clipped');"
        + "}"
        + "return out;");
  }

  static void assertFits(Browser page, String what) {
    assertThat(overflows(page)).as("sideways overflow at 390 px: %s", what).isEmpty();
  }

  /** The dialog {@code testid} has opened and fits; then it is closed. */
  static void assertDialogFits(Browser page, String testid) {
    page.dialog(testid, SLOW);
    assertFits(page, testid);
    page.closeDialog(testid, SLOW);
  }

  @Test
  void every_view_and_dialog_fits_a_phone_390_px_wide() {
    String held = newPart("_OP50.nc");
    String byBob = newPart("_OP51.nc");
    alice.createFile(held, "Phone check: a description long enough to need more than one line on a phone", "%\nO50\nG21\nM30\n%\n");
    admin.checkout(held, "admin holds it");
    admin.checkin(held, "%\nO50\nG21\nG0 X1\nM30\n%\n", "second revision with a long message that has to wrap at phone width");
    admin.checkout(held, "and holds it again");
    alice.createFile(byBob, "Held by bob", "G21\nM30\n");
    bob.checkout(byBob, "bob's lock");
    Browser page = adminPage;
    page.waitForLock(byBob, "Locked by bob", SLOW);
    page.viewport(390, 844);
    page.driver().findElement(testId("nav-files")).click();

    // Both files of this test (and a few of the others) share the start of their part number.
    page.searchFor(held.substring(0, 6), SLOW);
    page.cardOf(held, SLOW);
    assertFits(page, "files as cards");
    page.screenshot("phone-files");
    page.driver().findElement(testId("list-table")).click();
    page.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("file-table")));
    assertFits(page, "files as a table");
    page.driver().findElement(testId("list-cards")).click();

    page.clickAction(held, "history");
    page.dialog("history-modal", SLOW);
    page.waitFor(SLOW).until(ExpectedConditions.elementToBeClickable(testId("show-diff"))).click();
    page.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid='diff-line']")));
    assertFits(page, "history with differences");
    WebElement fromOld = page.driver().findElement(By.cssSelector("[data-testid='history-row'][data-revision='1.0'] [data-testid='diff-from']"));
    WebElement download = page.driver().findElement(By.cssSelector("[data-testid='history-row'][data-revision='1.0'] [data-testid='history-download']"));
    for (WebElement reachable : List.of(fromOld, download)) {
      page.js("arguments[0].scrollIntoView({block: 'center'})", reachable);
      Object right = page.js("return arguments[0].getBoundingClientRect().right", reachable);
      assertThat(((Number) right).doubleValue()).as("inside the phone's width").isLessThanOrEqualTo(390);
    }
    page.screenshot("phone-history");
    page.closeDialog("history-modal", SLOW);

    page.clickAction(held, "viewer");
    page.waitFor(SLOW).until(d -> !viewerLines(page).isEmpty());
    assertFits(page, "viewer");
    page.closeDialog("viewer-modal", SLOW);

    page.clickAction(held, "checkin");
    WebElement checkin = page.dialog("checkin-modal", SLOW);
    assertFits(page, "check-in");
    checkin.findElement(testId("checkin-file")).sendKeys(upload("other-name.nc", "G21\nM30\n").toString());
    checkin.findElement(testId("checkin-message")).sendKeys("phone");
    checkin.findElement(testId("upload-submit")).click();
    page.dialog("name-mismatch-modal", SLOW);
    assertFits(page, "check-in name warning");
    page.driver().findElement(By.cssSelector("[data-testid='name-mismatch-modal'] [data-testid='modal-cancel']")).click();
    page.closeDialog("checkin-modal", SLOW);

    page.clickAction(byBob, "override");
    assertDialogFits(page, "override-modal");
    page.clickAction(byBob, "delete");
    assertDialogFits(page, "confirm-modal");
    page.driver().findElement(testId("new-file")).click();
    assertDialogFits(page, "new-file-modal");
    page.driver().findElement(testId("open-settings")).click();
    assertDialogFits(page, "settings-modal");
    admin.watch(byBob);
    admin.sendMessage("admin", "Night shift: the 5-axis is down for the spindle service until Thursday morning, "
      + "run " + held + " on the second machine");
    page.waitFor(SLOW).until(d -> !"0".equals(d.findElement(testId("inbox")).getAttribute("data-unread")));
    page.driver().findElement(testId("inbox")).click();
    WebElement inbox = page.dialog("inbox-modal", SLOW);
    page.waitFor(SLOW).until(d -> inbox.findElements(testId("watch")).stream()
      .anyMatch(w -> byBob.equals(w.getAttribute("data-filename"))));
    page.waitFor(SLOW).until(d -> !inbox.findElements(testId("notice")).isEmpty());
    assertFits(page, "inbox");
    page.screenshot("phone-inbox");
    page.closeDialog("inbox-modal", SLOW);
    page.searchFor(" ", SLOW);
    String free = newPart("_OP52.nc");
    alice.createFile(free, "Free", "G21\nM30\n");
    page.cardOf(free, SLOW);
    page.clickAction(free, "checkout");
    assertDialogFits(page, "checkout-modal");

    page.driver().findElement(testId("nav-dashboard")).click();
    page.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(
      By.cssSelector("[data-testid='checkout-row'][data-filename='" + byBob + "']")));
    assertFits(page, "dashboard");
    page.driver().findElement(testId("nav-admin")).click();
    page.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("[data-testid='user-row'][data-username='bob']")));
    assertFits(page, "admin");
    for (WebElement button : page.driver().findElements(By.cssSelector("[data-testid='users-table'] button"))) {
      Object right = page.js("return arguments[0].getBoundingClientRect().right", button);
      assertThat(((Number) right).doubleValue()).as("user table button inside the phone's width").isLessThanOrEqualTo(390);
    }
    page.screenshot("phone-admin");
    page.driver().findElement(By.cssSelector("[data-testid='user-row'][data-username='bob'] [data-testid='user-password']")).click();
    assertDialogFits(page, "prompt-modal");
    new Select(page.driver().findElement(By.cssSelector("select[data-testid='user-role'][data-username='bob']"))).selectByValue("viewer");
    page.dialog("role-confirm-modal", SLOW);
    assertFits(page, "role change");
    page.driver().findElement(By.cssSelector("[data-testid='role-confirm-modal'] [data-testid='modal-cancel']")).click();
    page.driver().findElement(testId("nav-files")).click();
    bob.cancelCheckout(byBob);
  }
}
