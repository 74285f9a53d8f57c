package dev.ferry.http;

import static dev.ferry.http.ServerFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real browser: enter the token, start a sync, watch live progress reach 100% and the counts
 * match; a dry run drawn as a plan; a refusal's reason and the run's own page. Leaves target/dashboard-*.png behind.
 */
class DashboardBrowserTest {
  private ServerFixture f;
  private DashboardBrowser b;
  private ChromeDriver browser;

  @BeforeEach
  void start() throws IOException {
    DashboardBrowser.assumeInstalled();
    f = new ServerFixture(new JsonObject());
    b = DashboardBrowser.open(f.port());
    browser = b.driver;
  }

  @AfterEach
  void stop() throws IOException {
    DashboardBrowser.closeBoth(b, f);
  }

  private WebDriverWait waitUpTo(int seconds) {
    return b.waitUpTo(seconds);
  }

  @Test
  void startsASyncAndShowsLiveProgressUntilTheCountsMatch() throws IOException {
    browser.get("http://127.0.0.1:" + f.port() + "/");
    waitUpTo(10).until(d -> d.findElement(By.id("login")).isDisplayed());
    browser.findElement(By.id("token-input")).sendKeys("not-the-right-token-at-all");
    browser.findElement(By.id("token-save")).click();
    waitUpTo(10).until(d -> d.findElement(By.id("token-error")).getText().contains("not valid"));
    browser.findElement(By.id("token-input")).clear();
    browser.findElement(By.id("token-input")).sendKeys(TOKEN);
    browser.findElement(By.id("token-save")).click();

    // Before: the target is empty, so the tables show drift.
    waitUpTo(15).until(d -> !d.findElements(By.cssSelector("#status-tables tr.drift[data-table='animals']")).isEmpty());
    waitUpTo(10).until(d -> d.findElement(By.id("connection")).getText().equals("live"));

    browser.findElement(By.id("sync-btn")).click();
    waitUpTo(60).until(d -> d.findElement(By.id("run-status")).getText().equals("succeeded"));
    assertTrue(browser.findElement(By.id("outcome")).getText().startsWith("succeeded: wrote"),
        () -> browser.findElement(By.id("outcome")).getText());
    List<WebElement> bars = browser.findElements(By.cssSelector("#live-tables .progress"));
    assertEquals(4, bars.size(), "one progress bar per table");
    bars.forEach(b -> assertEquals("100", b.getAttribute("data-percent"), b.getAttribute("data-table")));
    assertTrue(browser.findElements(By.cssSelector("#phases li.ok")).size() >= 5,
        () -> "the phase timeline: " + browser.findElement(By.id("phases")).getAttribute("outerHTML")
            + "\nlog: " + browser.findElement(By.id("log")).getAttribute("textContent"));

    // After: counts match side by side, and the run is in the history.
    waitUpTo(15).until(d -> d.findElements(By.cssSelector("#status-tables tr.drift")).isEmpty()
        && !d.findElements(By.cssSelector("#status-tables tr.match[data-table='animals']")).isEmpty());
    WebElement animals = browser.findElement(By.cssSelector("#status-tables tr[data-table='animals']"));
    assertEquals(animals.getAttribute("data-source"), animals.getAttribute("data-target"));
    assertEquals(String.valueOf(f.dbs.count(f.target, "SELECT count(*) FROM animals")), animals.getAttribute("data-target"));
    waitUpTo(10).until(d -> !d.findElements(By.cssSelector("#history tbody tr")).isEmpty());
    assertTrue(browser.findElement(By.id("history")).getText().contains("succeeded"));

    List<String> phases = browser.findElements(By.cssSelector("#phases li")).stream().map(WebElement::getText).toList();
    assertEquals(phases.stream().distinct().toList(), phases, "each phase once on the timeline");

    // A dry run is drawn as its plan, not as bars: nothing says synced, the changed table says what it would do.
    long changed = f.dbs.count(f.source, "WITH u AS (UPDATE animals SET status = 'adopted' WHERE id % 10 = 0"
        + " AND status <> 'adopted' RETURNING 1) SELECT count(*) FROM u");
    browser.findElement(By.id("dryrun-btn")).click();
    waitUpTo(60).until(d -> d.findElement(By.id("plan")).getText().startsWith("Plan:"));
    waitUpTo(10).until(d -> d.findElement(By.cssSelector("#live-tables tr.plan-row[data-table='animals']")).getText()
        .contains("would sync"));
    assertTrue(browser.findElements(By.cssSelector("#live-tables .progress")).isEmpty(), "no bars for a dry run");
    String plan = browser.findElement(By.id("live-tables")).getText();
    assertTrue(!plan.contains(" synced"), plan);
    java.util.List<String> animalsPlan = browser.findElements(By.cssSelector("#live-tables tr.plan-row[data-table='animals'] td"))
        .stream().map(WebElement::getText).toList();
    assertEquals(String.format("%,d", changed), animalsPlan.get(4), "would update, as the test counted: " + animalsPlan);
    String samples = browser.findElement(By.cssSelector("#live-tables tr.plan-row[data-table='animals'] .samples")).getText();
    assertTrue(samples.matches("e\\.g\\. updated id=\\d*0(, id=\\d*0){4}"), samples);
    // The tables list says what the dry run found in the rows, not only the counts.
    waitUpTo(10).until(d -> d.findElement(By.cssSelector("#status-tables tr[data-table='animals'] td.content")).getText()
        .equals(String.format("0 to insert · %,d to update · 0 to delete", changed)));
    b.screenshot("dry-run-plan");

    // Since the verified sync, production fixed a row by hand: the status tells it apart from the local changes.
    f.dbs.execute(f.target, "UPDATE animals SET status = 'fixed in production' WHERE id = (SELECT min(id) FROM animals"
        + " WHERE id % 10 <> 0)");
    // The server shares one status among viewers for up to 5 s: past that, a fresh page gets fresh counts.
    ServerFixture.sleep(5_500);
    browser.navigate().refresh();
    waitUpTo(30).until(d -> d.findElements(By.cssSelector("#status-tables tr[data-table='animals'] td.since")).stream()
        .anyMatch(e -> e.getText().matches("[1-9][0-9,]* local · 1 on production")));
    assertTrue(browser.findElement(By.cssSelector("#status-tables thead")).getText()
        .contains("since last verified sync"));
    assertTrue(browser.findElement(By.cssSelector("#status-tables tr[data-table='animals']")).getText()
        .contains("rows changed"), "equal counts, changed rows: no ✓");
    assertTrue(browser.findElement(By.id("schedules-none")).isDisplayed(), "no schedules configured, and it says so");

    // A sync now refuses to write over production's fix, and the page says why where everyone sees it.
    browser.findElement(By.id("sync-btn")).click();
    waitUpTo(60).until(d -> d.findElement(By.id("run-status")).getText().equals("refused"));
    String outcome = browser.findElement(By.id("outcome")).getText();
    assertTrue(outcome.startsWith("refused: animals: 1 edited on production") && outcome.contains("status 'fixed in"
        + " production'"), outcome);

    b.screenshot("refused-run");

    // The refused run's own page, from the history, and by its link: why, and per table what happened and how.
    String refusedId = browser.findElement(By.id("run-status")).getAttribute("data-run");
    waitUpTo(10).until(d -> !d.findElements(By.cssSelector("#history tr[data-run='" + refusedId + "']")).isEmpty());
    browser.findElement(By.cssSelector("#history tr[data-run='" + refusedId + "']")).click();
    waitUpTo(10).until(d -> d.findElement(By.id("run-detail")).isDisplayed());
    assertTrue(browser.getCurrentUrl().endsWith("#/runs/" + refusedId), browser.getCurrentUrl());
    assertTrue(browser.findElement(By.id("run-detail-outcome")).getText().startsWith("refused: animals: 1 edited"));
    WebElement refusedAnimals = browser.findElement(By.cssSelector("#run-detail-tables tr[data-table='animals']"));
    assertTrue(refusedAnimals.getText().contains("refused") && refusedAnimals.getText().contains("differential"),
        refusedAnimals::getText);
    b.screenshot("run-page");
    browser.get("http://127.0.0.1:" + f.port() + "/#/runs/" + refusedId);
    waitUpTo(10).until(d -> d.findElement(By.id("run-detail")).isDisplayed()
        && d.findElement(By.id("run-detail-outcome")).getText().startsWith("refused"));
    // History filters: by who started a run.
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("history-trigger"))).selectByVisibleText("schedule");
    waitUpTo(10).until(d -> d.findElements(By.cssSelector("#history tbody tr")).isEmpty());
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("history-trigger"))).selectByVisibleText("api");
    waitUpTo(10).until(d -> d.findElements(By.cssSelector("#history tbody tr")).size() >= 3);

    // A destructive mode asks for the target's name before anything starts.
    new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("mode"))).selectByValue("rebuild");
    browser.findElement(By.id("sync-btn")).click();
    WebElement ok = browser.findElement(By.id("confirm-ok"));
    waitUpTo(5).until(d -> d.findElement(By.id("confirm")).isDisplayed());
    assertTrue(!ok.isEnabled(), "confirm stays disabled until the name is typed");
    browser.findElement(By.id("confirm-input")).sendKeys("wrong");
    assertTrue(!ok.isEnabled());
    assertTrue(browser.getPageSource().contains(f.target.database()));
    assertTrue(!browser.getPageSource().contains(ServerFixture.PASSWORD), "no password on the page");
  }
}
