package dev.ferry.http;

import static dev.ferry.http.ServerFixture.TOKEN;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One run per target, cancel, the live snapshot and history across a restart. */
class RunControlTest {
  private ServerFixture f;

  @BeforeEach
  void start() {
    f = new ServerFixture(new JsonObject());
    // A table whose every batch takes 100 ms on the target: a run long enough to race and cancel.
    String big = "CREATE TABLE big (id int PRIMARY KEY, payload text NOT NULL);";
    f.dbs.execute(f.source, big + "INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 50000) g;");
    f.dbs.execute(f.target, big + """
        CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_sleep(0.1); RETURN NULL; END $$;
        CREATE TRIGGER slow AFTER INSERT OR UPDATE ON big FOR EACH STATEMENT EXECUTE FUNCTION slow();""");
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void concurrentTriggersStartOneRunAndTheRestGet409ThenCancelStopsItCleanly() {
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      calls.add(f.http.post(f.port(), "127.0.0.1", "/api/v1/syncs").bearerTokenAuthentication(TOKEN)
          .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer("{}")));
    }
    await(Future.join(calls));
    List<HttpResponse<Buffer>> accepted = calls.stream().map(Future::result).filter(r -> r.statusCode() == 202).toList();
    List<HttpResponse<Buffer>> conflicts = calls.stream().map(Future::result).filter(r -> r.statusCode() == 409).toList();
    assertEquals(1, accepted.size(), "exactly one run starts");
    assertEquals(7, conflicts.size());
    String id = accepted.get(0).bodyAsJsonObject().getString("id");
    conflicts.forEach(c -> assertTrue(c.bodyAsJsonObject().getString("detail").contains(id), "a 409 names the running run"));

    // A client connecting mid-run gets a snapshot of it, then its live events.
    ServerFixture.Events events = f.events("run=" + id);
    JsonObject snapshot = events.await(m -> m.getString("type").equals("snapshot"));
    assertEquals(id, snapshot.getJsonArray("runs").getJsonObject(0).getString("id"));
    events.await(m -> m.getString("type").equals("table-progress") && "big".equals(m.getString("table")));
    events.await(m -> m.getString("type").equals("heartbeat"));

    HttpResponse<Buffer> cancel = f.post("/api/v1/syncs/" + id + "/cancel", TOKEN, "");
    assertEquals(202, cancel.statusCode(), cancel::bodyAsString);
    JsonObject run = f.awaitRun(id);
    assertEquals("cancelled", run.getString("status"), run::encodePrettily);
    long copied = f.dbs.count(f.target, "SELECT count(*) FROM big");
    assertTrue(copied == 0 || copied == 50_000, "a cancelled table is rolled back whole, never half-written: " + copied);
    events.await(m -> m.getString("type").equals("run-finished"));
    assertEquals(409, f.post("/api/v1/syncs/" + id + "/cancel", TOKEN, "").statusCode(), "it is no longer running");

    HttpResponse<Buffer> next = f.post("/api/v1/syncs", TOKEN, "{\"tables\":[\"organizations\"]}");
    assertEquals(202, next.statusCode(), "the target is free again: " + next.bodyAsString());
    f.awaitRun(next.bodyAsJsonObject().getString("id"));
  }

  @Test
  void stoppingTheServerCancelsARunningSyncAtABatchBoundaryAndRecordsIt() {
    String id = f.post("/api/v1/syncs", TOKEN, "{}").bodyAsJsonObject().getString("id");
    ServerFixture.Events events = f.events("run=" + id);
    events.await(m -> m.getString("type").equals("table-progress") && "big".equals(m.getString("table")));
    f.stop(); // what SIGTERM does: stop listening, cancel, wait for the run and its history, then undeploy
    long copied = f.dbs.count(f.target, "SELECT count(*) FROM big");
    assertTrue(copied == 0 || copied == 50_000, "the table in progress rolled back whole: " + copied);
    f.start();
    JsonObject run = f.get("/api/v1/syncs/" + id, TOKEN).bodyAsJsonObject();
    assertEquals("cancelled", run.getString("status"), run::encodePrettily);
  }

  @Test
  void historySurvivesARestartAndARunCutOffByACrashShowsAsInterrupted() {
    String id = f.post("/api/v1/syncs", TOKEN, "{\"tables\":[\"organizations\"]}").bodyAsJsonObject().getString("id");
    assertEquals("succeeded", f.awaitRun(id).getString("status"));
    f.stop();
    // What a crash leaves behind: a run recorded as running that no process is running.
    String crashed = "6f0c5a1e-0000-4000-8000-000000000001";
    f.dbs.execute(f.target, "INSERT INTO ferry.runs (id, trigger, target, mode, dry_run, options, status, started_at)"
        + " VALUES ('" + crashed + "', 'api', 'x', 'incremental', false, '{}', 'running', now())");
    f.start();

    JsonObject kept = f.get("/api/v1/syncs/" + id, TOKEN).bodyAsJsonObject();
    assertEquals("succeeded", kept.getString("status"));
    assertEquals(1, kept.getJsonObject("summary").getJsonArray("tables").size());
    JsonObject interrupted = f.get("/api/v1/syncs/" + crashed, TOKEN).bodyAsJsonObject();
    assertEquals("interrupted", interrupted.getString("status"));
    assertTrue(interrupted.getString("message").contains("stopped before this run finished"));
  }
}
