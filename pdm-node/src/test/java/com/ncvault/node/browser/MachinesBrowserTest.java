package com.ncvault.node.browser;

import static com.ncvault.node.browser.Browser.testId;
import static com.ncvault.node.browser.VaultCalls.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.contract.ConfigKeys;
import com.ncvault.node.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * The Machines page: an admin registers a drop folder; alice cannot send her draft (the dialog says
 * why) until it is released, then sends it from the page, assigning it on the way, and watches the
 * transfer end; the program edited at the machine comes back, the admin compares it and accepts it
 * as a new draft revision while the released one stays.
 */
@ExtendWith(VertxExtension.class)
class MachinesBrowserTest {

  static final Duration SLOW = Duration.ofSeconds(15);
  static final String FILE = "O4321.nc";
  static final String PROGRAM = "%\nO4321 (COVER)\nG90 G0 X0 Y0\nM30\n%\n";
  static final String EDITED = "%\nO4321 (COVER)\nG90 G0 X0 Y0\nG1 X5 F300 (FROM THE MACHINE)\nM30\n%\n";

  static TestNode node;
  static VaultCalls alice;
  static VaultCalls admin;
  static Browser alicePage;
  static Browser adminPage;
  static Path shares;

  @BeforeAll
  static void start(Vertx vertx) throws IOException {
    Browser.requireAvailable();
    shares = Files.createTempDirectory("ncvault-shares-");
    Files.createDirectories(shares.resolve("drop"));
    Files.createDirectories(shares.resolve("drop-out"));
    node = await(TestNode.start(vertx, new JsonObject()
      .put(ConfigKeys.MACHINE_FOLDER_ROOTS, new JsonArray().add(shares.toString()))
      .put(ConfigKeys.MACHINE_POLL_SECONDS, 1)));
    String adminToken = await(node.adminToken());
    admin = new VaultCalls(node, adminToken);
    alice = new VaultCalls(node, await(node.createUser(adminToken, "alice", "programmer")));
    alice.createFile(FILE, "Cover, op 10", PROGRAM);
    alicePage = Browser.open(node.baseUrl()).login("alice", TestNode.passwordOf("alice"));
    adminPage = Browser.open(node.baseUrl()).login("admin", TestNode.ADMIN_PASSWORD);
  }

  @AfterAll
  static void stop() {
    for (Browser page : new Browser[] {alicePage, adminPage}) {
      if (page != null) {
        page.close();
      }
    }
    if (node != null) {
      await(node.close());
    }
  }

  private static void type(Browser page, String testid, String text) {
    WebElement field = page.driver().findElement(testId(testid));
    field.clear();
    field.sendKeys(text);
  }

  @Test
  void a_program_goes_to_a_drop_folder_from_the_page_and_comes_back_as_a_new_revision() throws IOException {
    adminPage.driver().findElement(testId("nav-machines")).click();
    adminPage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("machine-create-form")));
    type(adminPage, "machine-name", "Drop 1");
    type(adminPage, "machine-group", "Cell A");
    new Select(adminPage.driver().findElement(testId("machine-kind"))).selectByValue("folder");
    type(adminPage, "machine-path", "/etc");
    adminPage.driver().findElement(testId("machine-create-submit")).click();
    adminPage.waitFor(SLOW).until(ExpectedConditions.textToBePresentInElementLocated(testId("machine-create-error"),
      "outside the machine folder roots"));
    type(adminPage, "machine-path", shares.resolve("drop").toString());
    type(adminPage, "machine-inbox", shares.resolve("drop-out").toString());
    adminPage.driver().findElement(testId("machine-create-submit")).click();
    adminPage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(
      By.cssSelector("[data-testid='machine-row'][data-machine='Drop 1']")));

    alicePage.driver().findElement(testId("nav-machines")).click();
    assertThat(alicePage.driver().findElements(testId("machine-create-form")).get(0).isDisplayed())
      .as("only admins register machines").isFalse();
    WebElement send = alicePage.waitFor(SLOW).until(ExpectedConditions.elementToBeClickable(
      By.cssSelector("[data-testid='machine-send'][data-machine='Drop 1']")));
    send.click();
    WebElement dialog = alicePage.dialog("send-modal", SLOW);
    dialog.findElement(testId("send-filename")).sendKeys(FILE);
    WebElement submit = dialog.findElement(testId("send-submit"));
    alicePage.waitFor(SLOW).until(ExpectedConditions.attributeToBe(testId("send-hint"), "data-sendable", "false"));
    assertThat(submit.isEnabled()).as("a draft cannot be sent").isFalse();
    assertThat(dialog.findElement(testId("send-hint")).getText()).contains(FILE + " is not released")
      .contains("only a released revision goes to a machine");
    assertThat(submit.getAttribute("title")).contains("not released");
    alicePage.screenshot("send-not-released");

    // released in another page: the dialog follows live
    alice.transition(FILE, "review", "ready for the mill", null);
    admin.transition(FILE, "released", "proved out", TestNode.ADMIN_PASSWORD);
    alicePage.waitFor(SLOW).until(ExpectedConditions.attributeToBe(testId("send-hint"), "data-sendable", "true"));
    assertThat(dialog.findElement(testId("send-hint")).getText()).contains("Sends rev 1.0, the released revision");
    submit.click();
    alicePage.waitFor(SLOW).until(ExpectedConditions.attributeToBe(testId("send-status"), "data-status", "refused"));
    assertThat(dialog.findElement(testId("send-status")).getText()).contains("not assigned");
    dialog.findElement(testId("send-assign")).click();
    alicePage.waitFor(SLOW).until(ExpectedConditions.attributeToBe(testId("send-status"), "data-status", "succeeded"));
    assertThat(dialog.findElement(testId("send-status")).getText()).contains("rev 1.0").contains("verified");
    assertThat(Files.readString(shares.resolve("drop").resolve(FILE))).isEqualTo(PROGRAM);
    alicePage.closeDialog("send-modal", SLOW);
    alicePage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(
      By.cssSelector("[data-testid='transfer'][data-status='succeeded']")));

    Files.writeString(shares.resolve("drop-out").resolve("O4321.NC"), EDITED);
    WebElement compare = adminPage.waitFor(SLOW).until(ExpectedConditions.elementToBeClickable(testId("import-compare")));
    assertThat(adminPage.driver().findElement(testId("import")).getText()).contains(FILE).contains("Drop 1");
    compare.click();
    WebElement diff = adminPage.dialog("import-diff-modal", SLOW);
    assertThat(diff.getText()).contains("G1 X5 F300 (FROM THE MACHINE)");
    adminPage.closeDialog("import-diff-modal", SLOW);
    adminPage.driver().findElement(testId("import-accept")).click();
    WebElement prompt = adminPage.dialog("import-accept-modal", SLOW);
    prompt.findElement(testId("prompt-input")).sendKeys("feed set at the machine");
    prompt.findElement(testId("modal-confirm")).click();
    adminPage.waitForToast("is now rev 1.1", SLOW);
    adminPage.waitFor(SLOW).until(ExpectedConditions.invisibilityOfElementLocated(testId("import-accept")));

    JsonObject accepted = alice.file(FILE);
    assertThat(accepted.getString("revision")).isEqualTo("1.1");
    assertThat(accepted.getString("state")).as("a program from a machine is a draft").isEqualTo("draft");
    assertThat(accepted.getString("releasedRevision")).as("the released revision stays").isEqualTo("1.0");
    adminPage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("imports-empty")));

    adminPage.viewport(390, 844);
    try {
      adminPage.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(testId("transfer")));
      assertThat(ShopFloorBrowserTest.overflows(adminPage)).as("the Machines view at 390 px").isEmpty();
      adminPage.driver().findElement(By.cssSelector("[data-testid='machine-send'][data-machine='Drop 1']")).click();
      adminPage.dialog("send-modal", SLOW);
      assertThat(ShopFloorBrowserTest.overflows(adminPage)).as("the send dialog at 390 px").isEmpty();
      adminPage.closeDialog("send-modal", SLOW);
    } finally {
      adminPage.resetViewport();
    }
  }
}
