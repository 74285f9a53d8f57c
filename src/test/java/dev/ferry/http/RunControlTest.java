package dev.ferry.http;

import static dev.ferry.http.ServerFixture.HOOK_SECRET;
import static dev.ferry.http.ServerFixture.TOKEN;
import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.notify.Hmac;
import io.vertx.core.Future;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.nio.charset.StandardCharsets;
import java.io.IOException;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** One run per target, cancel, the live snapshot and history across a restart. */
class RunControlTest {
  private static final int TRIGGERS = 50;
  private ServerFixture f;

  @BeforeEach
  void start() {
    // The slow trigger below is what keeps a run going: it must fire (Ferry switches target triggers off by default).
    f = new ServerFixture(new JsonObject().put("webhooks", new JsonObject().put("deploy", new JsonObject()
        .put("secret", HOOK_SECRET).put("sync", new JsonObject().put("mode", "incremental")))),
        new JsonObject().put("targetTriggers", "fire"));
    // A table that takes ~5 s to write on the target (50 ms per 500 rows, however few statements carry them): a run
    // long enough to race, watch and cancel.
    String big = "CREATE TABLE big (id int PRIMARY KEY, payload text NOT NULL);";
    f.dbs.execute(f.source, big + "INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 50000) g;");
    f.dbs.execute(f.target, big + """
        CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN IF NEW.id % 500 = 0 THEN PERFORM pg_sleep(0.05); END IF; RETURN NULL; END $$;
        CREATE TRIGGER slow AFTER INSERT OR UPDATE ON big FOR EACH ROW EXECUTE FUNCTION slow();""");
  }

  @AfterEach
  void stop() {
    f.close();
  }

  @Test
  void fiftyConcurrentTriggersStartOneRunAndTheRestGet409ThenCancelStopsItCleanly() {
    // 40 API calls (half of them naming tables, so they wait for a catalog read first) and 10 signed webhook
    // deliveries, all sent at once on 50 connections; every one of them would run the slow table.
    WebClient client = WebClient.create(f.vertx, new WebClientOptions().setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(TRIGGERS));
    List<Future<HttpResponse<Buffer>>> calls = new ArrayList<>();
    long t0 = System.nanoTime();
    for (int i = 0; i < TRIGGERS; i++) {
      if (i % 5 == 4) {
        String body = "{\"delivery\":" + i + "}";
        calls.add(client.post(f.port(), "127.0.0.1", "/api/v1/webhooks/deploy").putHeader("content-type", "application/json")
            .putHeader("X-Ferry-Signature-256", Hmac.header(HOOK_SECRET, body.getBytes(StandardCharsets.UTF_8)))
            .putHeader("X-Ferry-Delivery", "concurrent-" + i).sendBuffer(Buffer.buffer(body)));
      } else {
        String body = i % 2 == 0 ? "{}" : "{\"tables\":[\"big\",\"organizations\"]}";
        calls.add(client.post(f.port(), "127.0.0.1", "/api/v1/syncs").bearerTokenAuthentication(TOKEN)
            .putHeader("content-type", "application/json").sendBuffer(Buffer.buffer(body)));
      }
    }
    await(Future.join(calls));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    List<HttpResponse<Buffer>> accepted = calls.stream().map(Future::result).filter(r -> r.statusCode() == 202).toList();
    List<HttpResponse<Buffer>> conflicts = calls.stream().map(Future::result).filter(r -> r.statusCode() == 409).toList();
    System.out.printf("RunControlTest: %d concurrent triggers (40 API, 10 webhook) in %d ms: 202×%d, 409×%d%n", TRIGGERS,
        ms, accepted.size(), conflicts.size());
    assertEquals(1, accepted.size(), "exactly one run starts");
    assertEquals(TRIGGERS - 1, conflicts.size(), "every other trigger is told the target is busy");
    String id = accepted.get(0).bodyAsJsonObject().getString("id");
    conflicts.forEach(c -> assertTrue(c.bodyAsJsonObject().getString("detail").contains(id), "a 409 names the running run"));
    assertEquals(1L, f.get("/api/v1/syncs", TOKEN).bodyAsJsonObject().getLong("total"), "one run in the history");
    assertEquals(1L, f.dbs.count(f.target, "SELECT count(*) FROM ferry.runs"));
    client.close();

    // A client connecting mid-run gets a snapshot of it, then its live events.
    ServerFixture.Events events = f.events("run=" + id);
    JsonObject snapshot = events.await(m -> m.getString("type").equals("snapshot"));
    assertEquals(id, snapshot.getJsonArray("runs").getJsonObject(0).getString("id"));
    events.await(m -> m.getString("type").equals("table-progress") && "big".equals(m.getString("table")));
    events.await(m -> m.getString("type").equals("heartbeat"));

    HttpResponse<Buffer> cancel = f.post("/api/v1/syncs/" + id + "/cancel", TOKEN, "");
    assertEquals(202, cancel.statusCode(), cancel::bodyAsString);
    // Accepted: from now on the run reads as cancelling until it stops, never as running.
    String status = f.get("/api/v1/syncs/" + id, TOKEN).bodyAsJsonObject().getString("status");
    assertTrue(status.equals("cancelling") || status.equals("cancelled"), status);
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
  void stoppingTheServerCancelsARunningSyncAtABatchBoundaryRecordsItThenClosesEveryConnection() throws Exception {
    String id = f.post("/api/v1/syncs", TOKEN, "{}").bodyAsJsonObject().getString("id");
    ServerFixture.Events events = f.events("run=" + id);
    events.await(m -> m.getString("type").equals("table-progress") && "big".equals(m.getString("table")));
    int port = f.port();
    long during = ferryConnections(f.target);
    assertTrue(during > 0, "the run and the server hold connections to the target: " + during);

    long t0 = System.nanoTime();
    // What SIGTERM does (ServeCommand): drain, then undeploy. Listening stops first, while the run still runs.
    Future<Void> drained = f.server.drain();
    long polled = System.currentTimeMillis();
    for (int i = 0; i < 200 && accepts(port); i++) {
      polled = System.currentTimeMillis();
      ServerFixture.sleep(10);
    }
    assertTrue(!accepts(port), "no longer listening");
    // The run is cancelled only once listening has stopped; on a busy machine it may already be recorded by the
    // time this looks, but never before the last poll that still found the port open.
    long listenedUntil = polled;
    String ended = f.dbs.text(f.target, "SELECT coalesce((extract(epoch FROM finished_at) * 1000)::bigint::text, 'running')"
        + " FROM ferry.runs WHERE id = '" + id + "'");
    assertTrue(ended.equals("running") || Long.parseLong(ended) >= listenedUntil,
        () -> "the run ended at " + ended + ", before listening stopped (" + listenedUntil + ")");
    await(drained);
    f.stop(); // the rest of the shutdown: sockets, notifier, metrics, then the pools
    long stopMs = (System.nanoTime() - t0) / 1_000_000;
    long copied = f.dbs.count(f.target, "SELECT count(*) FROM big");
    assertTrue(copied == 0 || copied == 50_000, "the table in progress rolled back whole: " + copied);
    // Recorded before the pools closed: nothing of the server is left to write it afterwards.
    assertEquals("cancelled", f.dbs.text(f.target, "SELECT status FROM ferry.runs WHERE id = '" + id + "'"));
    // The pools are closed: the server's sessions end (their backends exit a moment after the client closes).
    long gone = waitForNoFerryConnections();
    System.out.printf("RunControlTest: stop took %d ms (run cancelled at a batch boundary and recorded); %d ferry"
        + " connections to the target during the run, 0 on either database %d ms after the stop%n", stopMs, during, gone);
    f.start();
    JsonObject run = f.get("/api/v1/syncs/" + id, TOKEN).bodyAsJsonObject();
    assertEquals("cancelled", run.getString("status"), run::encodePrettily);
  }

  private static boolean accepts(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Sessions the server opened (application_name ferry) on a database, seen from the server's maintenance database. */
  private long ferryConnections(dev.ferry.config.DatabaseUrl db) {
    return f.dbs.ferrySessions(db);
  }

  private long waitForNoFerryConnections() {
    long t0 = System.nanoTime();
    for (int i = 0; i < 100; i++) {
      if (ferryConnections(f.target) == 0 && ferryConnections(f.source) == 0) {
        return (System.nanoTime() - t0) / 1_000_000;
      }
      ServerFixture.sleep(20);
    }
    throw new AssertionError("still open 2 s after the stop: target " + ferryConnections(f.target) + ", source "
        + ferryConnections(f.source));
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
    assertTrue(interrupted.getString("message").contains("stopped before it finished"));
  }
}
