package dev.ferry.http;

import static dev.ferry.http.ServerFixture.TOKEN;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hundred viewers asking for the status at once are served by one computation (one exact count per table on each
 * database), and a run that finishes makes the next viewer get fresh counts. Real server, real databases.
 */
class SharedStatusServerTest {
  private static ServerFixture f;

  @BeforeAll
  static void start() {
    f = new ServerFixture(new JsonObject());
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static List<HttpResponse<Buffer>> viewers(int n) {
    List<Future<HttpResponse<Buffer>>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(f.http.get(f.port(), "127.0.0.1", "/api/v1/status").bearerTokenAuthentication(TOKEN).send());
    }
    await(Future.all(all));
    return all.stream().map(Future::result).toList();
  }

  @Test
  void aHundredViewersShareOneComputationAndAFinishedRunRefreshesIt() {
    List<HttpResponse<Buffer>> first = viewers(100);
    Set<String> asOf = new HashSet<>();
    for (HttpResponse<Buffer> r : first) {
      assertEquals(200, r.statusCode(), r::bodyAsString);
      OpenApiContract.check("GET", "/api/v1/status", r);
      asOf.add(r.bodyAsJsonObject().getString("asOf"));
    }
    assertEquals(1, asOf.size(), "every viewer got the same computation: " + asOf);

    HttpResponse<Buffer> started = f.post("/api/v1/syncs", TOKEN, "{\"mode\": \"incremental\"}");
    assertEquals(202, started.statusCode(), started::bodyAsString);
    String location = started.getHeader("Location");
    for (int i = 0; i < 300 && f.get(location, TOKEN).bodyAsJsonObject().getString("status").equals("running"); i++) {
      ServerFixture.sleep(100);
    }
    JsonObject after = f.get("/api/v1/status", TOKEN).bodyAsJsonObject();
    assertNotEquals(asOf.iterator().next(), after.getString("asOf"), "the finished run made the counts fresh");
    assertTrue(after.getJsonArray("tables").stream().map(JsonObject.class::cast)
        .allMatch(t -> t.getValue("source") != null && t.getValue("source").equals(t.getValue("target"))),
        after::encodePrettily);
  }
}
