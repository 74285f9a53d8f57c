package dev.ferry.http;

import static dev.ferry.http.ServerFixture.PASSWORD;
import static dev.ferry.http.ServerFixture.READ_TOKEN;
import static dev.ferry.http.ServerFixture.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

/** The REST API on a real server and real databases: each endpoint's happy path and its errors. */
class ApiServerTest {
  private static ServerFixture f;

  @BeforeAll
  static void start() {
    f = new ServerFixture(new JsonObject());
  }

  @AfterAll
  static void stop() {
    f.close();
  }

  private static void assertProblem(HttpResponse<Buffer> r, int status, String detailContains) {
    assertEquals(status, r.statusCode(), r::bodyAsString);
    assertEquals("application/problem+json", r.getHeader("content-type"));
    JsonObject body = r.bodyAsJsonObject();
    assertEquals(status, body.getInteger("status"));
    assertTrue(body.getString("detail").contains(detailContains), () -> body.getString("detail"));
    assertFalse(r.bodyAsString().contains(PASSWORD));
  }

  @Test
  void healthReadinessAndStatusShowBothDatabasesWithoutTheirPasswords() {
    assertEquals("up", f.get("/health", null).bodyAsJsonObject().getString("status"));
    HttpResponse<Buffer> ready = f.get("/ready", null);
    assertEquals(200, ready.statusCode(), ready::bodyAsString);

    for (String token : List.of(TOKEN, READ_TOKEN)) {
      HttpResponse<Buffer> r = f.get("/api/v1/status", token);
      assertEquals(200, r.statusCode(), r::bodyAsString);
      JsonObject status = r.bodyAsJsonObject();
      assertTrue(status.getJsonObject("source").getBoolean("reachable"));
      assertTrue(status.getJsonObject("target").getString("version").matches("\\d+.*"), status::encodePrettily);
      assertTrue(status.getJsonObject("source").getString("url").contains(":***@"), "the password is masked");
      assertTrue(status.getJsonArray("tables").stream().map(JsonObject.class::cast)
          .anyMatch(t -> t.getString("table").equals("animals") && t.getLong("source") > 0 && t.containsKey("target")));
      assertFalse(r.bodyAsString().contains(PASSWORD));
      assertFalse(r.bodyAsString().contains("\"ferry."), "Ferry's own control schema is not reported as a user table");
    }
  }

  @Test
  void everyApiCallNeedsAValidTokenAndTheReadTokenOnlyReads() {
    HttpResponse<Buffer> none = f.get("/api/v1/status", null);
    assertProblem(none, 401, "Authorization: Bearer");
    assertTrue(none.getHeader("WWW-Authenticate").startsWith("Bearer"));
    assertProblem(f.get("/api/v1/syncs", "wrong-token-0123456789"), 401, "not valid");
    assertProblem(f.post("/api/v1/syncs", READ_TOKEN, "{\"dryRun\":true}"), 403, "read-only");
    assertProblem(f.post("/api/v1/syncs", null, "{}"), 401, "Bearer");
  }

  @Test
  void malformedRequestsGetSpecificProblemsAndStartNothing() {
    long before = f.get("/api/v1/syncs", TOKEN).bodyAsJsonObject().getLong("total");
    assertProblem(f.post("/api/v1/syncs", TOKEN, "{\"mode\": "), 400, "not valid JSON");
    assertProblem(f.post("/api/v1/syncs", TOKEN, "[1,2]"), 400, "JSON object");
    assertProblem(f.post("/api/v1/syncs", TOKEN, "{\"mode\":\"sideways\"}"), 400, "unknown mode 'sideways'");
    assertProblem(f.post("/api/v1/syncs", TOKEN, "{\"mode\":3}"), 400, "'mode' must be a string");
    assertProblem(f.post("/api/v1/syncs", TOKEN, "{\"dryRun\":\"yes\"}"), 400, "'dryRun' must be true or false");
    assertProblem(f.post("/api/v1/syncs", TOKEN, "{\"tables\":\"animals\"}"), 400, "list of table names");
    assertProblem(f.post("/api/v1/syncs", TOKEN, "{\"colour\":\"red\"}"), 400, "unknown field 'colour'");
    assertProblem(f.post("/api/v1/syncs", TOKEN, "{\"tables\":[\"x'; DROP TABLE animals; --\"]}"), 400,
        "no table 'x'; DROP TABLE animals; --' on the source");
    assertProblem(f.post("/api/v1/syncs", TOKEN, "{\"mode\":\"rebuild\"}"), 422, "\"confirmDestructive\": true");
    assertProblem(f.post("/api/v1/syncs", TOKEN, "{\"a\":\"" + "x".repeat(70_000) + "\"}"), 413, "limited to");
    var wrongType = f.http.post(f.port(), "127.0.0.1", "/api/v1/syncs").bearerTokenAuthentication(TOKEN)
        .putHeader("content-type", "text/plain");
    assertProblem(dev.ferry.testing.TestDatabases.await(wrongType.sendBuffer(Buffer.buffer("mode=rebuild"))), 400,
        "Content-Type: application/json");
    assertProblem(f.get("/api/v1/nothing-here", TOKEN), 404, "no such API endpoint");
    assertProblem(f.get("/api/v1/syncs/not-a-uuid", TOKEN), 404, "run ids are UUIDs");
    assertProblem(f.get("/api/v1/syncs/00000000-0000-0000-0000-000000000000", TOKEN), 404, "no run with id");
    assertProblem(f.get("/api/v1/syncs?limit=1000", TOKEN), 400, "'limit' must be");
    assertProblem(f.post("/api/v1/syncs/00000000-0000-0000-0000-000000000000/cancel", TOKEN, ""), 404, "no run");
    assertEquals(before, f.get("/api/v1/syncs", TOKEN).bodyAsJsonObject().getLong("total"), "no run was started");
  }

  @Test
  void aSyncRunsStreamsItsEventsInOrderAndIsKeptInTheHistory() {
    ServerFixture.Events events = f.events(null);
    events.await(m -> m.getString("type").equals("snapshot"));
    HttpResponse<Buffer> accepted = f.post("/api/v1/syncs", TOKEN, "{\"mode\":\"incremental\"}");
    assertEquals(202, accepted.statusCode(), accepted::bodyAsString);
    String id = accepted.bodyAsJsonObject().getString("id");
    assertEquals("/api/v1/syncs/" + id, accepted.getHeader("Location"));

    JsonObject run = f.awaitRun(id);
    assertEquals("succeeded", run.getString("status"), run::encodePrettily);
    assertTrue(run.getLong("rowsWritten") > 0);
    // Organizations get the target's own ids (natural key), so compare through validation and the rows themselves.
    run.getJsonObject("summary").getJsonArray("validation").forEach(v ->
        assertTrue(((JsonObject) v).getBoolean("matches"), ((JsonObject) v)::encode));
    String animals = "SELECT string_agg(a.external_id || a.name || o.config_id, ',' ORDER BY a.external_id)"
        + " FROM animals a JOIN organizations o ON o.id = a.organization_id";
    assertEquals(f.dbs.text(f.source, animals), f.dbs.text(f.target, animals), "the target holds the source's data");

    // The stream: run-started first, run-finished last, every table finished after it started, nothing lost.
    events.await(m -> m.getString("type").equals("run-finished") && id.equals(m.getString("runId")));
    List<JsonObject> stream = events.ofRun(id);
    assertEquals("run-started", stream.get(0).getString("type"));
    assertEquals("run-finished", stream.get(stream.size() - 1).getString("type"));
    Set<String> started = new HashSet<>();
    List<String> finished = new ArrayList<>();
    for (JsonObject e : stream) {
      if (e.getString("type").equals("table-started")) {
        started.add(e.getString("table"));
      } else if (e.getString("type").equals("table-finished")) {
        String table = e.getJsonObject("result").getString("table");
        assertTrue(started.contains(table), table + " finished before it started");
        finished.add(table);
      }
    }
    assertEquals(4, finished.size(), () -> "tables finished: " + finished);
    assertTrue(finished.indexOf("organizations") < finished.indexOf("animals"), "parents before children");
    events.socket.close();

    // History: the run, its tables and its compact log; newest first and paged.
    JsonObject stored = f.get("/api/v1/syncs/" + id, READ_TOKEN).bodyAsJsonObject();
    assertEquals(4, stored.getJsonObject("summary").getJsonArray("tables").size());
    assertTrue(stored.getJsonArray("events").stream().map(JsonObject.class::cast)
        .anyMatch(e -> e.getString("type").equals("phase-finished") && e.getString("phase").equals("validation")));
    HttpResponse<Buffer> second = f.post("/api/v1/syncs", TOKEN, "{}");
    String secondId = second.bodyAsJsonObject().getString("id");
    JsonObject again = f.awaitRun(secondId);
    assertEquals(0L, again.getLong("rowsWritten"), "an unchanged source writes nothing");
    JsonObject page = f.get("/api/v1/syncs?limit=1", TOKEN).bodyAsJsonObject();
    assertEquals(secondId, page.getJsonArray("items").getJsonObject(0).getString("id"), "newest first");
    JsonObject next = f.get("/api/v1/syncs?limit=1&offset=1", TOKEN).bodyAsJsonObject();
    assertEquals(id, next.getJsonArray("items").getJsonObject(0).getString("id"));
    assertTrue(page.getLong("total") >= 2);

    // Metrics: rows written per table, run durations, batch latencies, the pools and the JVM.
    String metrics = f.get("/metrics", null).bodyAsString();
    assertTrue(metrics.contains("ferry_rows_written_total{kind=\"insert\",table=\"animals\"}"), metrics);
    assertTrue(metrics.contains("ferry_run_duration_seconds_count{dry_run=\"false\",mode=\"incremental\",status=\"succeeded\"}"));
    assertTrue(metrics.contains("ferry_batch_latency_seconds_bucket"));
    assertTrue(metrics.contains("ferry_active_runs 0.0"));
    assertTrue(metrics.contains("vertx_pool_"), "pool metrics");
    assertTrue(metrics.contains("jvm_memory_used_bytes"), "JVM metrics");
    assertFalse(metrics.contains(PASSWORD));
  }

  @Test
  void aDryRunAnswersWithThePlanAndWritesNothing() {
    String before = f.dbs.contentDigest(f.target);
    f.dbs.execute(f.source, "UPDATE animals SET status = 'adopted' WHERE id % 7 = 0");
    HttpResponse<Buffer> r = f.post("/api/v1/syncs", TOKEN, "{\"mode\":\"mirror\",\"dryRun\":true}");
    assertEquals(200, r.statusCode(), r::bodyAsString);
    JsonObject run = r.bodyAsJsonObject();
    assertNotNull(r.getHeader("Location"));
    assertTrue(run.getBoolean("dryRun"));
    assertTrue(run.getJsonObject("summary").getString("message").startsWith("dry run: would write"), run::encodePrettily);
    assertEquals(before, f.dbs.contentDigest(f.target), "a dry run leaves the target untouched");
    // Its history row wrote nothing; the would-be rows are in its summary.
    JsonObject stored = f.get("/api/v1/syncs/" + run.getString("id"), TOKEN).bodyAsJsonObject();
    assertEquals(0L, stored.getLong("rowsWritten"), stored::encodePrettily);
    assertTrue(stored.getJsonObject("summary").getJsonArray("tables").stream().map(JsonObject.class::cast)
        .mapToLong(t -> t.getLong("inserted") + t.getLong("updated")).sum() > 0, stored::encodePrettily);
    String metrics = f.get("/metrics", null).bodyAsString();
    assertTrue(metrics.contains("dry_run=\"true\""), "dry runs are timed too");
  }

  @Test
  void theOpenApiDocumentAndTheDashboardAreServed() {
    HttpResponse<Buffer> spec = f.get("/api/v1/openapi.yaml", null);
    assertEquals(200, spec.statusCode());
    assertTrue(spec.bodyAsString().contains("/api/v1/syncs/{id}/cancel"), "documents the API");
    HttpResponse<Buffer> page = f.get("/", null);
    assertEquals(200, page.statusCode());
    assertTrue(page.bodyAsString().contains("<title>Ferry"));
    assertEquals(404, f.get("/../../etc/passwd", null).statusCode());
  }
  /**
   * Each operation's answers, good and bad, against the OpenAPI document: {@link ServerFixture} checks every response
   * it receives (operation known, status listed, JSON body valid against the documented schema, which lists the
   * required fields and allows no others); here each deterministic answer is asked for once and must have been seen.
   */
  @Test
  void everyOperationAnswersAsTheOpenApiDocumentSays() {
    f.get("/health", null);
    f.get("/ready", null);
    f.get("/metrics", null);
    f.get("/api/v1/openapi.yaml", null);
    f.get("/api/v1/status", TOKEN);
    f.get("/api/v1/status", null);
    f.get("/api/v1/syncs?limit=5", TOKEN);
    f.get("/api/v1/syncs?limit=0", TOKEN);
    f.post("/api/v1/syncs", TOKEN, "{\"mode\": \"rebuild\"}");
    f.post("/api/v1/syncs", READ_TOKEN, "{}");
    f.post("/api/v1/syncs", TOKEN, "{\"dryRun\": true}");
    // One small table, so the other tests here still find rows to write.
    String id = f.post("/api/v1/syncs", TOKEN, "{\"tables\": [\"service_regions\"]}").bodyAsJsonObject()
        .getString("id");
    f.awaitRun(id);
    f.get("/api/v1/syncs/" + id, TOKEN);
    f.post("/api/v1/syncs/" + id + "/cancel", TOKEN, "");
    String nobody = java.util.UUID.randomUUID().toString();
    f.get("/api/v1/syncs/" + nobody, TOKEN);
    f.post("/api/v1/syncs/" + nobody + "/cancel", TOKEN, "");
    f.get("/api/v1/events", TOKEN);
    Set<String> seen = OpenApiContract.exercised();
    for (String expected : List.of("get /health 200", "get /ready 200", "get /metrics 200",
        "get /api/v1/openapi.yaml 200", "get /api/v1/status 200", "get /api/v1/status 401", "get /api/v1/syncs 200",
        "get /api/v1/syncs 400", "post /api/v1/syncs 422", "post /api/v1/syncs 403", "post /api/v1/syncs 200",
        "post /api/v1/syncs 202", "get /api/v1/syncs/{id} 200", "post /api/v1/syncs/{id}/cancel 409",
        "get /api/v1/syncs/{id} 404", "post /api/v1/syncs/{id}/cancel 404", "get /api/v1/events 400")) {
      assertTrue(seen.contains(expected), () -> expected + " was not seen; seen: " + new java.util.TreeSet<>(seen));
    }
  }
}
