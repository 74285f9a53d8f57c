package dev.ferry.http;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium through chromedriver (Debian's, installed by .ci/run) on a real server's dashboard. Required in
 * CI; on a machine without a browser the test is skipped, saying what to install.
 */
final class DashboardBrowser implements AutoCloseable {
  private static final String CHROMEDRIVER = System.getenv().getOrDefault("CHROMEDRIVER", "/usr/bin/chromedriver");
  private static final String CHROMIUM = System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium");

  final ChromeDriver driver;
  private final Path profile;
  private final int port;

  private DashboardBrowser(ChromeDriver driver, Path profile, int port) {
    this.driver = driver;
    this.profile = profile;
    this.port = port;
  }

  /** Call before starting a server: skips (or, under CI, fails) when there is no browser. */
  static void assumeInstalled() {
    boolean installed = Files.isExecutable(Path.of(CHROMEDRIVER)) && Files.isExecutable(Path.of(CHROMIUM));
    String need = "the dashboard tests need chromium and chromedriver (apt-get install chromium chromium-driver;"
        + " .ci/run does; CHROMIUM and CHROMEDRIVER point elsewhere)";
    if (System.getenv("CI") != null) {
      assertTrue(installed, need);
    }
    Assumptions.assumeTrue(installed, need);
  }

  static DashboardBrowser open(int port) throws IOException {
    Path profile = Files.createTempDirectory("ferry-chromium");
    ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM).addArguments("--headless", "--no-sandbox",
        "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--user-data-dir=" + profile);
    ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(Path.of(CHROMEDRIVER).toFile())
        .usingAnyFreePort().build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1100, 1600));
    return new DashboardBrowser(driver, profile, port);
  }

  /** A wait that looks again when the page re-rendered what it was reading (the dashboard replaces whole lists). */
  WebDriverWait waitUpTo(int seconds) {
    WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(seconds));
    wait.ignoring(StaleElementReferenceException.class);
    return wait;
  }

  /** Opens the dashboard and enters {@code token}; returns once the page is live. */
  void logIn(String token) {
    driver.get("http://127.0.0.1:" + port + "/");
    waitUpTo(10).until(d -> d.findElement(By.id("login")).isDisplayed());
    driver.findElement(By.id("token-input")).sendKeys(token);
    driver.findElement(By.id("token-save")).click();
    waitUpTo(15).until(d -> d.findElement(By.id("connection")).getText().equals("live"));
  }

  /** Types the target's name into the confirmation dialog and confirms. */
  void confirmWith(String databaseName) {
    waitUpTo(10).until(d -> d.findElement(By.id("confirm")).isDisplayed());
    driver.findElement(By.id("confirm-input")).sendKeys(databaseName);
    driver.findElement(By.id("confirm-ok")).click();
  }

  String text(String css) {
    return driver.findElement(By.cssSelector(css)).getText();
  }

  /** Saves the page as target/dashboard-{name}.png. */
  void screenshot(String name) {
    try {
      Path shot = Path.of("target", "dashboard-" + name + ".png");
      Files.createDirectories(shot.getParent());
      Files.write(shot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A test's teardown: the browser, then the server, whichever of them started. */
  static void closeBoth(DashboardBrowser browser, ServerFixture server) throws IOException {
    try {
      if (browser != null) {
        browser.close();
      }
    } finally {
      if (server != null) {
        server.close();
      }
    }
  }

  @Override
  public void close() throws IOException {
    try {
      driver.quit();
    } finally {
      try (var files = Files.walk(profile)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }
}
