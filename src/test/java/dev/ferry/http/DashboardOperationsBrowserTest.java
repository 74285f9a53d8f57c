package dev.ferry.http;

import static dev.ferry.http.ServerFixture.READ_TOKEN;
import static dev.ferry.http.ServerFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.db.Side;
import dev.ferry.migrate.Migrations;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * Everything past a sync, done from the dashboard in a real browser: roll a run back and restore a backup (each
 * previewed, then confirmed by typing the target's name), validate, drift written as a migration and applied until it
 * is gone, a long run's chart growing and its Cancel, a schedule firing, and the read-only token seeing everything
 * and changing nothing. Equality is the test's own digest of every row's text. Screenshots: target/dashboard-*.png.
 */
class DashboardOperationsBrowserTest {
  private ServerFixture f;
  private DashboardBrowser b;
  private WebDriver browser;
  private Path migrations;

  @BeforeEach
  void checkBrowser() throws IOException {
    DashboardBrowser.assumeInstalled();
    migrations = Files.createTempDirectory("ferry-migrations");
  }

  private void start(JsonObject api, Clock clock, Consumer<ServerFixture> prepare) throws IOException {
    f = new ServerFixture(api, new JsonObject(), new JsonObject().put("migrations", new JsonObject()
        .put("locations", new JsonArray().add("filesystem:" + migrations))), clock, prepare);
    b = DashboardBrowser.open(f.port());
    browser = b.driver;
  }

  @AfterEach
  void stop() throws IOException {
    try {
      DashboardBrowser.closeBoth(b, f);
    } finally {
      try (var files = Files.walk(migrations)) {
        files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private String runId() {
    return browser.findElement(By.id("run-status")).getAttribute("data-run");
  }

  /** Clicks Sync (after choosing {@code mode}) and waits for a new run to end; its id. */
  private String sync(String mode, String expectedStatus) {
    String before = runId();
    new Select(browser.findElement(By.id("mode"))).selectByValue(mode);
    browser.findElement(By.id("sync-btn")).click();
    if (!mode.equals("incremental")) {
      b.confirmWith(f.target.database());
    }
    b.waitUpTo(60).until(d -> runId() != null && !runId().equals(before)
        && d.findElement(By.id("run-status")).getText().equals(expectedStatus));
    return runId();
  }

  @Test
  void rollBackRestoreValidateAndMigrateFromThePage() throws IOException {
    start(new JsonObject(), Clock.systemUTC(), fx -> { });
    // The target has the demo schema's migration applied, as `ferry migrate --baseline 1` records it.
    Files.copy(Path.of("sql/demo/migrations/V1__rescue_dog_schema.sql"), migrations.resolve("V1__rescue_dog_schema.sql"));
    new Migrations(Side.TARGET, f.target, List.of("filesystem:" + migrations)).baseline("1", line -> { });
    b.logIn(TOKEN);

    sync("incremental", "succeeded");
    String beforeRebuild = f.dbs.contentDigest(f.target);
    f.dbs.execute(f.source, "UPDATE animals SET name = name || ' II' WHERE id % 4 = 0");
    String rebuild = sync("rebuild", "succeeded");
    String afterRebuild = f.dbs.contentDigest(f.target);
    assertNotEquals(beforeRebuild, afterRebuild);

    // The run's page offers its backup back: previewed in the dialog, then confirmed by the target's name.
    b.waitUpTo(10).until(d -> !d.findElements(By.cssSelector("#history tr[data-run='" + rebuild + "']")).isEmpty());
    browser.findElement(By.cssSelector("#history tr[data-run='" + rebuild + "']")).click();
    b.waitUpTo(10).until(d -> d.findElement(By.id("rollback-btn")).isDisplayed());
    browser.findElement(By.id("rollback-btn")).click();
    b.waitUpTo(10).until(d -> d.findElement(By.id("confirm-preview")).getText().contains("animals"));
    b.screenshot("rollback-preview");
    b.confirmWith(f.target.database());
    b.waitUpTo(30).until(d -> d.findElement(By.id("rollback-result")).getText().startsWith("✓ rolled back"));
    assertEquals(beforeRebuild, f.dbs.contentDigest(f.target), "the rollback restored the rows from before the run");

    // What the rollback replaced is in the backups list: restoring it brings the rebuild's rows back.
    b.waitUpTo(10).until(d -> d.findElement(By.id("backups")).getText().contains("before restoring backup #"));
    String replaced = browser.findElements(By.cssSelector("#backups tr[data-backup]")).stream()
        .filter(r -> r.getText().contains("before restoring backup #")).findFirst().orElseThrow()
        .getAttribute("data-backup");
    browser.findElement(By.cssSelector("#backups tr[data-backup='" + replaced + "'] button.restore")).click();
    b.confirmWith(f.target.database());
    b.waitUpTo(30).until(d -> d.findElement(By.id("backups-result")).getText().startsWith("✓ restored backup #" + replaced));
    assertEquals(afterRebuild, f.dbs.contentDigest(f.target));
    b.screenshot("backups");

    // Validate: a run that writes nothing, with its findings per table.
    browser.findElement(By.id("validate-btn")).click();
    b.waitUpTo(60).until(d -> d.findElement(By.id("plan")).getText().startsWith("Validation:"));
    assertEquals(4, browser.findElements(By.cssSelector("#plan li.ok")).size(), () -> b.text("#plan"));

    // Drift → write migration → migrate → drift gone.
    f.dbs.execute(f.source, "ALTER TABLE animals ADD COLUMN collar_colour text");
    browser.findElement(By.id("drift-refresh")).click();
    b.waitUpTo(20).until(d -> !d.findElements(By.cssSelector("#drift li[data-object*='collar_colour']")).isEmpty());
    assertTrue(b.text("#drift li[data-object*='collar_colour'] pre").contains("ADD COLUMN"), () -> b.text("#drift"));
    b.screenshot("drift");
    browser.findElement(By.id("migration-name")).sendKeys("collar colour");
    browser.findElement(By.id("write-migration-btn")).click();
    b.waitUpTo(20).until(d -> d.findElement(By.id("schema-result")).getText().contains("V2__collar_colour.sql"));
    b.waitUpTo(20).until(d -> !d.findElements(By.cssSelector("#pending li[data-version='2']")).isEmpty()
        && d.findElement(By.id("migrate-btn")).isEnabled());
    browser.findElement(By.id("migrate-btn")).click();
    b.waitUpTo(10).until(d -> d.findElement(By.id("confirm-preview")).getText().contains("V2 collar colour"));
    b.confirmWith(f.target.database());
    b.waitUpTo(30).until(d -> d.findElement(By.id("schema-result")).getText().startsWith("✓ applied 2 collar colour"));
    b.waitUpTo(20).until(d -> d.findElement(By.id("drift")).getText().contains("The schemas match."));
    assertEquals(1, f.dbs.count(f.target, "SELECT count(*) FROM information_schema.columns WHERE table_name = 'animals'"
        + " AND column_name = 'collar_colour'"));
  }

  @Test
  void aLongRunDrawsAGrowingChartAndCancels() throws IOException {
    start(new JsonObject(), Clock.systemUTC(), fx -> {
      String ddl = "CREATE TABLE readings (id bigint PRIMARY KEY, sensor text, value text);";
      fx.dbs.execute(fx.source, ddl + "INSERT INTO readings SELECT g, 'sensor-' || (g % 97), repeat(md5(g::text), 3)"
          + " FROM generate_series(1, 300000) g");
      // One row already there: the rows go through the comparing upsert, not a COPY into an empty table, which
      // is over before the chart could draw more than a point or two.
      fx.dbs.execute(fx.target, ddl + "INSERT INTO readings VALUES (1, 'sensor-1', repeat(md5('1'), 3))");
    });
    b.logIn(TOKEN);

    // While the run goes, the throughput chart gains points (the page samples only while a run goes, so points
    // gained between a first look during the run and its end were gained during it) and readings is on the timeline.
    browser.findElement(By.id("sync-btn")).click();
    b.waitUpTo(30).pollingEvery(Duration.ofMillis(50)).until(d -> points() > 0);
    int first = points();
    b.screenshot("live-run");
    b.waitUpTo(120).until(d -> !"running".equals(d.findElement(By.id("run-status")).getText()));
    assertTrue(points() >= first + 2, "the chart grew while the run went: " + first + " → " + points());
    assertEquals("succeeded", b.text("#run-status"), () -> b.text("#outcome"));
    assertTrue(!browser.findElements(By.cssSelector("#live-charts svg.timeline-chart rect[data-table='readings']")).isEmpty(),
        "the readings table is on the timeline");

    // Every reading changed: the next run copies them all, and Cancel stops it.
    f.dbs.execute(f.source, "UPDATE readings SET value = value || '!'");
    String finished = runId();
    browser.findElement(By.id("sync-btn")).click();
    b.waitUpTo(30).until(d -> !finished.equals(runId()) && d.findElement(By.id("cancel-btn")).isDisplayed());
    browser.findElement(By.id("cancel-btn")).click();
    b.waitUpTo(60).until(d -> d.findElement(By.id("run-status")).getText().equals("cancelled"));
    assertTrue(b.text("#outcome").startsWith("cancelled"), () -> b.text("#outcome"));

    // The page lets you start again: the cancel's own answer, which may come after the run's end over the socket,
    // does not turn the ended run back to "cancelling" (CI once waited 120 s here behind a disabled Sync button).
    b.waitUpTo(10).until(d -> d.findElement(By.id("sync-btn")).isEnabled());
    assertEquals("cancelled", b.text("#run-status"));

    // And the next run finishes the job: every reading's text is on the target.
    String cancelled = runId();
    browser.findElement(By.id("sync-btn")).click();
    b.waitUpTo(120).until(d -> !cancelled.equals(runId()) && "succeeded".equals(d.findElement(By.id("run-status")).getText()));
    String rows = "SELECT md5(string_agg(r::text, ',' ORDER BY id)) FROM readings r";
    assertEquals(f.dbs.text(f.source, rows), f.dbs.text(f.target, rows));
  }

  private int points() {
    try {
      List<org.openqa.selenium.WebElement> charts = browser.findElements(By.cssSelector("#live-charts svg.throughput"));
      return charts.isEmpty() ? 0 : Integer.parseInt(charts.get(0).getAttribute("data-points"));
    } catch (org.openqa.selenium.StaleElementReferenceException redrawn) {
      return points(); // the chart was drawn again between finding it and reading it
    }
  }

  @Test
  void aScheduleFiresAndItsRunIsInTheHistory() throws IOException {
    // The schedules' clock stands a few seconds before a minute boundary: "every minute" fires in seconds.
    Instant now = Instant.now();
    Instant boundary = now.truncatedTo(ChronoUnit.MINUTES).plus(1, ChronoUnit.MINUTES);
    Clock clock = Clock.offset(Clock.systemUTC(), Duration.between(now, boundary.minusSeconds(8)));
    start(new JsonObject().put("schedules", new JsonObject()
        .put("every-minute", new JsonObject().put("cron", "* * * * *").put("zone", "UTC").put("sync", new JsonObject()))
        // A weekly validation, at an hour this test cannot be running in.
        .put("fridays", new JsonObject().put("cron", "0 " + (now.atZone(java.time.ZoneOffset.UTC).getHour() + 12) % 24
            + " * * FRI").put("zone", "UTC").put("validate", new JsonObject()))), clock, fx -> { });
    b.logIn(TOKEN);
    b.waitUpTo(40).until(d -> d.findElements(By.cssSelector("#history tbody tr")).stream()
        .anyMatch(r -> r.getText().contains("succeeded") && r.getText().endsWith("schedule")));
    b.waitUpTo(10).until(d -> {
      d.navigate().refresh();
      return b.waitUpTo(10).until(x -> x.findElement(By.cssSelector("#schedules tr[data-schedule='every-minute']")))
          .getText().contains("started");
    });
    assertTrue(b.text("#schedules tr[data-schedule='fridays']").contains("validate"), () -> b.text("#schedules"));
    new Select(browser.findElement(By.id("history-trigger"))).selectByVisibleText("schedule");
    b.waitUpTo(10).until(d -> d.findElements(By.cssSelector("#history tbody tr")).size() == 1);
    browser.findElement(By.cssSelector("#schedules tr[data-schedule='every-minute'] button.pause")).click();
    b.waitUpTo(10).until(d -> d.findElement(By.cssSelector("#schedules tr[data-schedule='every-minute']")).getText()
        .contains("paused"));
    b.screenshot("schedules");
    String names = "SELECT md5(string_agg(name || '/' || status, ',' ORDER BY id)) FROM animals";
    assertEquals(f.dbs.text(f.source, names), f.dbs.text(f.target, names), "the scheduled sync copied the animals");
  }

  @Test
  void theReadOnlyTokenSeesEverythingAndChangesNothing() throws IOException {
    start(new JsonObject().put("schedules", new JsonObject().put("nightly", new JsonObject().put("cron", "0 2 * * *")
        .put("zone", "UTC").put("sync", new JsonObject()))), Clock.systemUTC(), fx -> { });
    String rebuild = f.post("/api/v1/syncs", TOKEN, "{\"mode\":\"rebuild\",\"confirmDestructive\":true}")
        .bodyAsJsonObject().getString("id");
    assertEquals("succeeded", f.awaitRun(rebuild).getString("status"));
    f.dbs.execute(f.source, "UPDATE animals SET name = name || ' II' WHERE id % 4 = 0;"
        + " ALTER TABLE animals ADD COLUMN collar_colour text");
    String digest = f.dbs.contentDigest(f.target);
    b.logIn(READ_TOKEN);

    // Everything is there to see.
    b.waitUpTo(15).until(d -> !d.findElements(By.cssSelector("#status-tables tr[data-table='animals']")).isEmpty()
        && !d.findElements(By.cssSelector("#history tr[data-run='" + rebuild + "']")).isEmpty()
        && !d.findElements(By.cssSelector("#backups tr[data-backup]")).isEmpty()
        && !d.findElements(By.cssSelector("#drift li[data-object*='collar_colour']")).isEmpty()
        && !d.findElements(By.cssSelector("#schedules tr[data-schedule='nightly']")).isEmpty());

    // Every write is refused, and the page says why where the button is.
    String readOnly = "This token may only look";
    browser.findElement(By.id("sync-btn")).click();
    b.waitUpTo(10).until(d -> d.findElement(By.id("sync-error")).getText().startsWith(readOnly));
    browser.findElement(By.id("validate-btn")).click();
    b.waitUpTo(10).until(d -> d.findElement(By.id("sync-error")).getText().contains("validating needs the full token"));
    browser.findElement(By.cssSelector("#backups tr[data-backup] button.restore")).click();
    b.waitUpTo(10).until(d -> d.findElement(By.id("backups-result")).getText().startsWith(readOnly));
    browser.findElement(By.id("migration-name")).sendKeys("collar");
    browser.findElement(By.id("write-migration-btn")).click();
    b.waitUpTo(10).until(d -> d.findElement(By.id("schema-result")).getText().startsWith(readOnly));
    browser.findElement(By.cssSelector("#schedules tr[data-schedule='nightly'] button.pause")).click();
    b.waitUpTo(10).until(d -> d.findElement(By.id("schedules-error")).getText().startsWith(readOnly));
    browser.findElement(By.cssSelector("#history tr[data-run='" + rebuild + "']")).click();
    b.waitUpTo(10).until(d -> d.findElement(By.id("rollback-btn")).isDisplayed());
    browser.findElement(By.id("rollback-btn")).click();
    b.waitUpTo(10).until(d -> d.findElement(By.id("rollback-result")).getText().startsWith(readOnly));
    b.screenshot("read-only");

    assertEquals(digest, f.dbs.contentDigest(f.target), "nothing changed on the target");
    assertEquals(1, f.get("/api/v1/syncs", TOKEN).bodyAsJsonObject().getInteger("total"), "no run started");
    try (var files = Files.list(migrations)) {
      assertEquals(0, files.count(), "no migration written");
    }
    assertTrue(!browser.getPageSource().contains(ServerFixture.PASSWORD), "no password on the page");
  }
}
