package dev.ferry.http;

import static dev.ferry.http.ServerFixture.READ_TOKEN;
import static dev.ferry.http.ServerFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.time.Clock;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;

/**
 * A pull started over the API, for a server next to the developer's database: production (the target) into the local
 * source, masked, recorded beside the local database; refused while the history would be written on production.
 */
class PullApiTest {
  private static final JsonObject RULES = new JsonObject().put("rules", new JsonObject().put("*.adoption_url", "redact"));

  @Test
  void aPullIsARunRecordedBesideTheLocalDatabase() {
    JsonObject api = new JsonObject();
    try (ServerFixture f = new ServerFixture(api, new JsonObject(), RULES, Clock.systemUTC(),
        fx -> api.put("controlDatabase", fx.source.toLibpqUrl()))) {
      HttpResponse<Buffer> push = f.post("/api/v1/syncs", TOKEN, "{}");
      assertEquals("succeeded", f.awaitRun(push.bodyAsJsonObject().getString("id")).getString("status"));
      long urls = f.dbs.count(f.source, "SELECT count(*) FROM animals WHERE adoption_url LIKE 'https://%'");
      assertTrue(urls > 0);

      assertEquals(403, f.post("/api/v1/pulls", READ_TOKEN, "{}").statusCode());
      HttpResponse<Buffer> bad = f.post("/api/v1/pulls", TOKEN, "{\"mode\":\"rebuild\"}");
      assertEquals(400, bad.statusCode(), bad::bodyAsString);
      HttpResponse<Buffer> started = f.post("/api/v1/pulls", TOKEN,
          "{\"where\":{\"organizations\":\"true\"},\"children\":{\"animals\":null}}");
      assertEquals(202, started.statusCode(), started::bodyAsString);
      JsonObject run = f.awaitRun(started.bodyAsJsonObject().getString("id"));
      assertEquals("succeeded", run.getString("status"), run::encodePrettily);
      assertEquals("pull incremental", run.getString("mode"));
      assertEquals(0, f.dbs.count(f.source, "SELECT count(*) FROM animals WHERE adoption_url LIKE 'https://%'"),
          "the local URLs now hold production's, redacted");
      assertEquals(urls, f.dbs.count(f.source, "SELECT count(*) FROM animals WHERE adoption_url LIKE 'xxxxx://%'"));
    }
  }

  @Test
  void theDashboardPullsAfterTheLocalDatabasesNameIsTyped() throws java.io.IOException {
    DashboardBrowser.assumeInstalled();
    JsonObject api = new JsonObject();
    try (ServerFixture f = new ServerFixture(api, new JsonObject(), RULES, Clock.systemUTC(),
        fx -> api.put("controlDatabase", fx.source.toLibpqUrl()));
        DashboardBrowser b = DashboardBrowser.open(f.port())) {
      assertEquals("succeeded", f.awaitRun(f.post("/api/v1/syncs", TOKEN, "{}").bodyAsJsonObject().getString("id"))
          .getString("status"));
      b.logIn(TOKEN);
      b.waitUpTo(10).until(d -> d.findElement(By.id("pull-btn")).isDisplayed());
      b.driver.findElement(By.id("pull-btn")).click();
      b.waitUpTo(5).until(d -> d.findElement(By.id("confirm")).isDisplayed());
      b.driver.findElement(By.id("confirm-input")).sendKeys(f.target.database());
      assertTrue(!b.driver.findElement(By.id("confirm-ok")).isEnabled(), "production's name does not confirm a pull");
      b.driver.findElement(By.id("confirm-input")).clear();
      b.confirmWith(f.source.database());
      b.waitUpTo(60).until(d -> d.findElement(By.id("run-status")).getText().equals("succeeded"));
      b.waitUpTo(10).until(d -> d.findElement(By.id("history")).getText().contains("pull incremental"));
      assertEquals("pull incremental", b.text("#run-mode"), "the current run says which way it goes");
      b.screenshot("pull");
      assertEquals(0, f.dbs.count(f.source, "SELECT count(*) FROM animals WHERE adoption_url LIKE 'https://%'"));
    }
  }

  @Test
  void refusedWhileTheRunWouldBeRecordedOnProduction() {
    try (ServerFixture f = new ServerFixture(new JsonObject(), new JsonObject(), RULES)) {
      assertEquals(false, f.get("/api/v1/status", TOKEN).bodyAsJsonObject().getBoolean("pulls"));
      HttpResponse<Buffer> refused = f.post("/api/v1/pulls", TOKEN, "{}");
      assertEquals(409, refused.statusCode(), refused::bodyAsString);
      assertTrue(refused.bodyAsJsonObject().getString("detail").contains("api.controlDatabase"), refused::bodyAsString);
    }
  }
}
