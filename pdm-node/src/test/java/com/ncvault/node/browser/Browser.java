package com.ncvault.node.browser;

import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * One headless Chromium session on a node's page, with the steps the browser tests share:
 * log in, find a file card, wait for text, take a screenshot. Uses the Debian chromium and
 * chromedriver; Selenium Manager is never asked to download anything.
 */
public final class Browser implements AutoCloseable {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  /** Screenshots of each run; the current ones are copied to docs/screenshots by hand. */
  static final Path SCREENSHOTS = Path.of("target", "screenshots");

  static {
    System.setProperty("webdriver.chrome.driver", CHROMEDRIVER.toString());
  }

  private final ChromeDriver driver;
  private final Path profile;
  private final String baseUrl;
  private final Path downloads;

  private Browser(ChromeDriver driver, Path profile, String baseUrl) {
    this.driver = driver;
    this.profile = profile;
    this.baseUrl = baseUrl;
    this.downloads = profile.resolve("downloads");
    try {
      Files.createDirectories(downloads);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    driver.executeCdpCommand("Browser.setDownloadBehavior", Map.of("behavior", "allow", "downloadPath", downloads.toString()));
  }

  /** True when the machine has the Debian chromium and chromedriver the tests need. */
  public static boolean available() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /** Skips the calling test class without Chromium, except under CI (CI=true), where a missing browser is a failure. */
  public static void requireAvailable() {
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      org.junit.jupiter.api.Assertions.assertTrue(available(), "CI needs /usr/bin/chromium and /usr/bin/chromedriver");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(available(), "chromium and chromedriver are installed");
  }

  public static Browser open(String baseUrl) {
    Path profile;
    try {
      profile = Files.createTempDirectory("ncvault-chromium-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
      "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
      "--window-size=1280,900", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder()
      .usingDriverExecutable(CHROMEDRIVER.toFile())
      .usingAnyFreePort()
      .build();
    return new Browser(new ChromeDriver(service, options), profile, baseUrl);
  }

  public ChromeDriver driver() {
    return driver;
  }

  /** Opens the page, logs in through the form and waits until live updates are connected. */
  public Browser login(String username, String password) {
    WebElement user = openLoginForm();
    user.clear();
    user.sendKeys(username);
    driver.findElement(testId("login-password")).sendKeys(password);
    driver.findElement(testId("login-submit")).click();
    waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.textToBe(testId("user-name"), username));
    waitUntilConnected(Duration.ofSeconds(10));
    return this;
  }

  /**
   * Opens the page and waits for its login form. When what the browser loaded is not the page (the
   * form is in its HTML, so a missing one means a navigation that failed or never happened: a
   * browser error page, a blank document), what it shows is written to the test's output with a
   * screenshot, and the page is opened once more; a second miss fails the test.
   */
  private WebElement openLoginForm() {
    driver.get(baseUrl + "/");
    try {
      return visibleLoginForm();
    } catch (TimeoutException missing) {
      String source = String.valueOf(driver.getPageSource());
      Path shot = screenshot("login-form-missing-" + System.currentTimeMillis());
      System.out.printf("Browser: no login form 10 s after opening %s/; the browser shows %s (title \"%s\", %d characters,"
          + " screenshot %s): %s%n", baseUrl, driver.getCurrentUrl(), driver.getTitle(), source.length(), shot,
        source.substring(0, Math.min(source.length(), 400)).replaceAll("\\s+", " "));
      driver.get(baseUrl + "/");
      return visibleLoginForm();
    }
  }

  /** The login form's user name field, once visible (at most 10 s). */
  private WebElement visibleLoginForm() {
    return waitFor(Duration.ofSeconds(10)).until(ExpectedConditions.visibilityOfElementLocated(testId("login-username")));
  }

  /** Reloads the page (the session cookie keeps the user logged in) and waits for live updates. */
  public Browser reload() {
    driver.navigate().refresh();
    waitUntilConnected(Duration.ofSeconds(10));
    return this;
  }

  public void waitUntilConnected(Duration timeout) {
    waitFor(timeout).until(ExpectedConditions.attributeToBe(testId("connection-dot"), "data-state", "connected"));
  }

  public String connectionState() {
    return driver.findElement(testId("connection-dot")).getAttribute("data-state");
  }

  public WebDriverWait waitFor(Duration timeout) {
    WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(25));
    return wait;
  }

  public static By testId(String id) {
    return By.cssSelector("[data-testid='" + id + "']");
  }

  static By card(String filename) {
    return By.cssSelector("[data-testid='file-card'][data-filename='" + filename + "']");
  }

  /** Waits until the card of {@code filename} is on the page and returns it. */
  public WebElement cardOf(String filename, Duration timeout) {
    return waitFor(timeout).until(ExpectedConditions.presenceOfElementLocated(card(filename)));
  }

  /** Waits until the card of {@code filename} is on the page and its lock line starts with {@code prefix}. */
  public WebElement waitForLock(String filename, String prefix, Duration timeout) {
    WebElement card = cardOf(filename, timeout);
    waitFor(timeout).until(d -> lockText(filename).startsWith(prefix));
    return card;
  }

  /** Waits until the card of {@code filename} offers {@code action} (the live state has reached it) and returns the card. */
  public WebElement cardWithAction(String filename, String action, Duration timeout) {
    return waitFor(timeout).until(d -> {
      List<WebElement> cards = d.findElements(card(filename));
      return !cards.isEmpty() && !cards.get(0).findElements(By.cssSelector("[data-action='" + action + "']")).isEmpty()
        ? cards.get(0) : null;
    });
  }

  /** The lock line of a card: "Free", "Locked by alice since ...", "Checked out by you since ...". */
  public String lockText(String filename) {
    return textIn(filename, "lock-state");
  }

  /** Text of the element with data-testid {@code testid} inside the card of {@code filename} ("" when absent). */
  public String textIn(String filename, String testid) {
    Object text = js("const c = document.querySelector(\"[data-testid='file-card'][data-filename='\" + arguments[0] + \"']\");"
      + "const e = c && c.querySelector(\"[data-testid='\" + arguments[1] + \"']\"); return e ? e.textContent : '';", filename, testid);
    return String.valueOf(text);
  }

  /** Clicks the card button with data-action {@code action} (checkout, checkin, history, ...). */
  public void clickAction(String filename, String action) {
    WebElement button = cardOf(filename, Duration.ofSeconds(5)).findElement(By.cssSelector("[data-action='" + action + "']"));
    // In the middle of the screen: a toast at the bottom (a phone's whole width) may cover it otherwise.
    js("arguments[0].scrollIntoView({block: 'center'})", button);
    button.click();
  }

  /** Waits until the dialog with data-testid {@code testid} is open and returns it. */
  public WebElement dialog(String testid, Duration timeout) {
    return waitFor(timeout).until(ExpectedConditions.visibilityOfElementLocated(testId(testid)));
  }

  /** Closes the dialog {@code testid} with its x button and waits until it is gone. */
  public void closeDialog(String testid, Duration timeout) {
    driver.findElement(By.cssSelector("[data-testid='" + testid + "'] .modal-x")).click();
    waitFor(timeout).until(d -> d.findElements(testId(testid)).isEmpty());
  }

  /** Waits for a toast whose text contains {@code part} and returns its text. */
  public String waitForToast(String part, Duration timeout) {
    return waitForToast(text -> text.contains(part), timeout);
  }

  /** Waits for a toast whose text passes {@code test} and returns its text. */
  public String waitForToast(Predicate<String> test, Duration timeout) {
    return waitFor(timeout).until(d -> toastTexts().stream().filter(test).findFirst().orElse(null));
  }

  /** Texts of the toasts on screen, read in one script: a toast may vanish between finding and reading it. */
  @SuppressWarnings("unchecked")
  public List<String> toastTexts() {
    return (List<String>) js("return [...document.querySelectorAll(\"[data-testid='toast']\")].map(t => t.textContent);");
  }

  public Object js(String script, Object... args) {
    return ((JavascriptExecutor) driver).executeScript(script, args);
  }

  public boolean alertShown() {
    try {
      driver.switchTo().alert();
      return true;
    } catch (NoAlertPresentException e) {
      return false;
    }
  }

  /** Types into the search box and waits for the filter (debounced) to have run; returns its time in ms. */
  public double searchFor(String text, Duration timeout) {
    js("document.body.dataset.lastFilterMs = '';");
    WebElement search = driver.findElement(testId("search"));
    search.clear();
    search.sendKeys(text);
    String ms = waitFor(timeout).until(d -> {
      Object value = js("return document.body.dataset.lastFilterMs;");
      return value == null || String.valueOf(value).isEmpty() ? null : String.valueOf(value);
    });
    return Double.parseDouble(ms);
  }

  /** Waits until the browser has saved a download named {@code name} completely, and returns it. */
  public Path waitForDownload(String name, Duration timeout) {
    Path file = downloads.resolve(name);
    waitFor(timeout).until(d -> Files.exists(file) && !Files.exists(downloads.resolve(name + ".crdownload")));
    return file;
  }

  /** The names of the files saved so far. */
  public List<String> downloadedNames() {
    try (Stream<Path> files = Files.list(downloads)) {
      return files.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Lays the page out as a phone or another screen would: a viewport of exactly width x height CSS
   * pixels (the window's own size includes what headless Chromium keeps for itself).
   */
  public void viewport(int width, int height) {
    driver.executeCdpCommand("Emulation.setDeviceMetricsOverride",
      Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", false));
  }

  /** Back to the window's own size. */
  public void resetViewport() {
    driver.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
  }

  /** Browser network emulation: offline (true) or back to normal (false); the page gets offline/online events. */
  public void offline(boolean offline) {
    driver.executeCdpCommand("Network.enable", Map.of());
    driver.executeCdpCommand("Network.emulateNetworkConditions", Map.of("offline", offline, "latency", 0,
      "downloadThroughput", -1, "uploadThroughput", -1));
  }

  /** Saves a PNG under target/screenshots. */
  public Path screenshot(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      File shot = driver.getScreenshotAs(OutputType.FILE);
      Path target = SCREENSHOTS.resolve(name + ".png");
      Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    try {
      driver.quit();
    } finally {
      try (Stream<Path> paths = Files.walk(profile)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException e) {
        // A leftover temp profile is harmless.
      }
    }
  }
}
