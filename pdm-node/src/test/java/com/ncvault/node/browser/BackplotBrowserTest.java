package com.ncvault.node.browser;

import static com.ncvault.node.browser.Browser.testId;
import static com.ncvault.node.browser.VaultCalls.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.ncvault.node.SamplePrograms;
import com.ncvault.node.TestNode;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;

/**
 * A setter looks inside a program before it goes to the machine: the toolpaths of two revisions
 * over each other in the history, what changed in the tool list, one revision alone with pan and
 * zoom, and the list narrowed to the programs that use a tool.
 */
@ExtendWith(VertxExtension.class)
class BackplotBrowserTest {

  static final Duration SLOW = Duration.ofSeconds(15);
  static final String PLATE = "3456789_PLATE.nc";
  static final String OTHER = "3456789_OTHER.nc";

  static TestNode node;
  static Browser page;

  @BeforeAll
  static void start(Vertx vertx) {
    Browser.requireAvailable();
    node = await(TestNode.start(vertx));
    String adminToken = await(node.adminToken());
    VaultCalls alice = new VaultCalls(node, await(node.createUser(adminToken, "alice", "programmer")));
    alice.createFile(PLATE, "Plate, op 10", SamplePrograms.PLATE);
    alice.checkout(PLATE, "move the pocket");
    alice.checkin(PLATE, SamplePrograms.PLATE_MOVED_POCKET, "pocket 2 mm up, chamfer added");
    alice.createFile(OTHER, "Another plate", SamplePrograms.PLATE.replace("O3001", "O3002"));
    page = Browser.open(node.baseUrl()).login("alice", TestNode.passwordOf("alice"));
  }

  @AfterAll
  static void stop() {
    if (page != null) {
      page.close();
    }
    if (node != null) {
      await(node.close());
    }
  }

  private static List<String> texts(String css) {
    return page.driver().findElements(By.cssSelector(css)).stream().map(WebElement::getText).toList();
  }

  @Test
  void the_history_draws_two_revisions_over_each_other_and_names_the_tool_changes() {
    page.cardOf(PLATE, SLOW);
    page.clickAction(PLATE, "history");
    page.waitFor(SLOW).until(ExpectedConditions.elementToBeClickable(testId("show-toolpaths"))).click();

    // the overlay: the pocket of 1.0 in one colour, the pocket and the chamfer of 1.1 in the other
    page.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(
      By.cssSelector("[data-testid='backplot-drawing'] svg g.only-to path.feed")));
    assertThat(page.driver().findElements(By.cssSelector("[data-testid='backplot-drawing'] svg g.only-from path.feed")))
      .isNotEmpty();
    assertThat(page.driver().findElements(By.cssSelector("[data-testid='backplot-drawing'] svg script"))).isEmpty();
    assertThat(page.driver().findElement(testId("backplot-drawing")).getAttribute("aria-label"))
      .isEqualTo("Toolpaths of revisions 1.0 and 1.1 over each other, Top (XY)");
    assertThat(texts("[data-testid='backplot-tool-diff'] li")).containsExactly("Added T5 CHAMFER",
      "T2 comment: 10MM ENDMILL \u2192 10MM ENDMILL 3FL");
    assertThat(texts("[data-testid='backplot-tool'][data-tool]")).hasSize(4);
    WebElement panel = page.driver().findElement(testId("backplot"));
    page.js("arguments[0].scrollIntoView({block: 'start'})", panel);
    page.screenshot("backplot-overlay");

    // one revision alone, seen from the front, zoomed with the buttons and the keys
    new Select(page.driver().findElement(testId("backplot-compare"))).selectByValue("");
    page.driver().findElement(testId("backplot-view-xz")).click();
    page.waitFor(SLOW).until(ExpectedConditions.presenceOfElementLocated(
      By.cssSelector("[data-testid='backplot-drawing'] svg[data-view='xz'] g.tool[data-tool='5']")));
    WebElement drawing = page.driver().findElement(testId("backplot-drawing"));
    assertThat(drawing.getAttribute("data-zoom")).isEqualTo("1.000");
    page.driver().findElement(testId("backplot-zoom-in")).click();
    assertThat(drawing.getAttribute("data-zoom")).isEqualTo("1.500");
    String zoomed = drawing.findElement(By.tagName("svg")).getDomAttribute("viewBox");
    drawing.sendKeys(Keys.ARROW_RIGHT);
    assertThat(drawing.findElement(By.tagName("svg")).getDomAttribute("viewBox")).isNotEqualTo(zoomed);
    drawing.sendKeys("0");
    assertThat(drawing.getAttribute("data-zoom")).isEqualTo("1.000");
    assertThat(texts("[data-testid='backplot-facts'] dd")).contains("180 \u00d7 70 \u00d7 17 mm");
    page.driver().findElement(By.cssSelector("[data-testid='history-modal'] .modal-x")).click();
  }

  @Test
  void the_list_shows_only_the_programs_that_use_a_tool() {
    page.cardOf(OTHER, SLOW);
    page.driver().findElement(By.cssSelector("[data-testid='fact-filter'] > summary")).click();
    page.driver().findElement(testId("fact-tool")).sendKeys("T5");

    page.waitFor(SLOW).until(ExpectedConditions.textToBePresentInElementLocated(testId("fact-status"), "1 file"));
    page.waitFor(SLOW).until(ExpectedConditions.invisibilityOfElementLocated(Browser.card(OTHER)));
    assertThat(page.cardOf(PLATE, SLOW).isDisplayed()).isTrue();
    page.screenshot("fact-filter");

    page.driver().findElement(testId("fact-minLengthX")).sendKeys("500");
    page.waitFor(SLOW).until(ExpectedConditions.invisibilityOfElementLocated(Browser.card(PLATE)));
    page.driver().findElement(testId("fact-clear")).click();
    page.waitFor(SLOW).until(ExpectedConditions.visibilityOfElementLocated(Browser.card(OTHER)));
  }
}
