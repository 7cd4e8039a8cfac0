package com.ncvault.node.browser;

import static com.ncvault.node.browser.Browser.testId;
import static com.ncvault.node.browser.VaultCalls.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.node.SamplePrograms;
import com.ncvault.node.TestNode;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
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
 * An approver releases a program from the page, signing with the password; the programmer's page
 * shows the new state at once, the list filters by state and the history says who released what.
 */
@ExtendWith(VertxExtension.class)
class LifecycleBrowserTest {

  static final Duration SLOW = Duration.ofSeconds(15);
  static final String PLATE = "3456789_PLATE.nc";
  static final String OTHER = "3456789_OTHER.nc";

  static TestNode node;
  static Browser quinnPage;
  static Browser patPage;

  @BeforeAll
  static void start(Vertx vertx) {
    Browser.requireAvailable();
    node = await(TestNode.start(vertx));
    String adminToken = await(node.adminToken());
    String pat = await(node.createUser(adminToken, "pat", "programmer"));
    await(node.createUser(adminToken, "quinn", "approver"));
    VaultCalls calls = new VaultCalls(node, pat);
    calls.createFile(PLATE, "Plate, op 10", SamplePrograms.PLATE);
    calls.createFile(OTHER, "Another plate", SamplePrograms.PLATE.replace("O3001", "O3002"));
    await(node.client().post(VaultCalls.path(PLATE) + "/transition").bearerTokenAuthentication(pat)
      .sendJsonObject(new JsonObject().put("to", "review").put("comment", "first article measured"))
      .compose(resp -> TestNode.expect(resp, 200)));
    quinnPage = Browser.open(node.baseUrl()).login("quinn", TestNode.passwordOf("quinn"));
    patPage = Browser.open(node.baseUrl()).login("pat", TestNode.passwordOf("pat"));
  }

  @AfterAll
  static void stop() {
    for (Browser page : new Browser[] {quinnPage, patPage}) {
      if (page != null) {
        page.close();
      }
    }
    if (node != null) {
      await(node.close());
    }
  }

  @Test
  void anApproverSignsTheReleaseAndTheProgrammerSeesItLive() {
    patPage.cardOf(PLATE, SLOW);
    patPage.waitUntilConnected(SLOW);
    assertThat(patPage.textIn(PLATE, "file-state")).isEqualTo("review");
    assertThat(patPage.cardOf(PLATE, SLOW).findElements(By.cssSelector("[data-action='lifecycle']")))
      .as("a programmer cannot release").isEmpty();

    quinnPage.cardWithAction(PLATE, "lifecycle", SLOW);
    quinnPage.clickAction(PLATE, "lifecycle");
    WebElement dialog = quinnPage.dialog("transition-modal", SLOW);
    new Select(dialog.findElement(testId("transition-to"))).selectByValue("released");
    assertThat(dialog.findElement(testId("signature")).isDisplayed()).isTrue();
    dialog.findElement(testId("transition-comment")).sendKeys("proved out on the VF-2");
    dialog.findElement(testId("transition-password")).sendKeys("not my password");
    dialog.findElement(testId("modal-confirm")).click();
    quinnPage.waitFor(SLOW).until(d -> dialog.findElement(testId("transition-error")).getText().contains("password"));
    assertThat(patPage.textIn(PLATE, "file-state")).as("a wrong password releases nothing").isEqualTo("review");
    quinnPage.screenshot("release-signature");

    dialog.findElement(testId("transition-password")).sendKeys(TestNode.passwordOf("quinn"));
    dialog.findElement(testId("modal-confirm")).click();
    quinnPage.waitFor(SLOW).until(d -> d.findElements(testId("transition-modal")).isEmpty());

    patPage.waitFor(SLOW).until(d -> "released".equals(patPage.textIn(PLATE, "file-state")));
    assertThat(patPage.textIn(OTHER, "file-state")).isEqualTo("draft");

    new Select(patPage.driver().findElement(testId("state-filter"))).selectByValue("released");
    patPage.waitFor(SLOW).until(d -> d.findElements(Browser.card(OTHER)).isEmpty());
    assertThat(patPage.driver().findElements(Browser.card(PLATE))).hasSize(1);
    new Select(patPage.driver().findElement(testId("state-filter"))).selectByValue("all");
    patPage.cardOf(OTHER, SLOW);

    patPage.clickAction(PLATE, "history");
    patPage.dialog("history-modal", SLOW);
    WebElement release = patPage.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(
      By.cssSelector("[data-testid='transition-row'][data-to='released']")));
    assertThat(release.getText()).contains("quinn").contains("signed").contains("proved out on the VF-2");
    patPage.screenshot("lifecycle-history");
    patPage.closeDialog("history-modal", SLOW);
  }
}
