package dev.ferry.http;

import static dev.ferry.http.ServerFixture.READ_TOKEN;
import static dev.ferry.http.ServerFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The schedules' endpoints on a real server: listed with their next time; paused and resumed with the full token. */
class SchedulesApiTest {
  private static ServerFixture f;

  @BeforeAll
  static void start() {
    f = new ServerFixture(new JsonObject().put("schedules", new JsonObject()
        .put("weekday-nights", new JsonObject().put("cron", "0 2 * * MON-FRI").put("zone", "Europe/Berlin")
            .put("sync", new JsonObject().put("mode", "incremental")))));
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  @Test
  void listedWithTheirNextTimeAndPausedOnlyWithTheFullToken() {
    JsonObject listed = f.get("/api/v1/schedules", READ_TOKEN).bodyAsJsonObject().getJsonArray("schedules")
        .getJsonObject(0);
    assertEquals("weekday-nights", listed.getString("name"));
    assertEquals("0 2 * * MON-FRI", listed.getString("cron"));
    assertTrue(listed.getString("next").matches("\\d{4}-\\d\\d-\\d\\dT02:00\\+0[12]:00"), listed::encodePrettily);
    assertFalse(listed.getBoolean("paused"));

    HttpResponse<Buffer> readOnly = f.post("/api/v1/schedules/weekday-nights/pause", READ_TOKEN, "");
    assertEquals(403, readOnly.statusCode(), readOnly::bodyAsString);
    HttpResponse<Buffer> paused = f.post("/api/v1/schedules/weekday-nights/pause", TOKEN, "");
    assertEquals(200, paused.statusCode(), paused::bodyAsString);
    assertTrue(paused.bodyAsJsonObject().getBoolean("paused"));
    assertFalse(f.post("/api/v1/schedules/weekday-nights/resume", TOKEN, "").bodyAsJsonObject().getBoolean("paused"));
    HttpResponse<Buffer> unknown = f.post("/api/v1/schedules/weekly/pause", TOKEN, "");
    assertEquals(404, unknown.statusCode());
    assertTrue(unknown.bodyAsJsonObject().getString("detail").contains("no schedule named 'weekly'"));
  }
}
