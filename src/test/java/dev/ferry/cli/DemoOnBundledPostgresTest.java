package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.embedded.EmbeddedPostgres;
import dev.ferry.testing.FreePorts;
import dev.ferry.testing.IndependentCheck;
import dev.ferry.testing.SignalDisposition;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ferry demo` on the PostgreSQL bundled with Ferry, as a process of its own, as on a machine with only a JDK:
 * the demo databases synced equal, the server and dashboard up, Ctrl-C stops the demo and its PostgreSQL, and the
 * data stays in the named folder for the next start.
 */
class DemoOnBundledPostgresTest {

  @Test
  void demoRunsOnTheBundledServerAndCtrlCStopsBoth(@TempDir Path work) throws Exception {
    Path data = work.resolve("demo-data");
    int port = FreePorts.take();
    Process demo = startDemo(work, data, port);
    Path log = work.resolve("demo.log");
    try {
      awaitLine(demo, log, "listening on http://localhost:" + port);
      String settings = Files.readString(work.resolve("ferry-demo.yaml"));
      DatabaseUrl source = DatabaseUrl.parse(yamlValue(settings, "source"), "source");
      DatabaseUrl target = DatabaseUrl.parse(yamlValue(settings, "target"), "target");
      String token = yamlValue(settings, "token");
      assertTrue(Files.readString(log).contains("✓ succeeded"), Files.readString(log));

      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<String> status = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
          + "/api/v1/status")).header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, status.statusCode(), status.body());
      HttpResponse<String> dashboard = http.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(200, dashboard.statusCode());
      assertTrue(dashboard.body().contains("<html"), dashboard.body());

      Vertx vertx = Vertx.vertx();
      try (TestDatabases dbs = new TestDatabases(vertx)) {
        // The demo's organizations are matched by config_id; their ids differ on purpose (the target's start at 1001).
        List<String> differences = new IndependentCheck(dbs).throughNaturalKey("organizations", "id", "config_id")
            .differences(source, target);
        assertTrue(differences.isEmpty(), String.join("\n", differences));
        assertTrue(dbs.count(source, "SELECT count(*) FROM animals") > 0);
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      }

      String out = ctrlC(demo, log);
      assertTrue(out.contains("ferry demo: stopped") && out.contains("The bundled PostgreSQL stopped; its data stays in"),
          out);
      assertTrue(out.indexOf("ferry demo: stopped") < out.indexOf("The bundled PostgreSQL stopped"),
          "the server drains its runs before PostgreSQL stops: " + out);
      assertFalse(answers(source.port()), "the bundled PostgreSQL still listens after the demo ended");
      assertFalse(Files.exists(data.resolve("data/postmaster.pid")), "postmaster.pid left behind");

      // The data is kept: the folder starts again with the demo's databases in it.
      try (EmbeddedPostgres again = EmbeddedPostgres.start(data, EmbeddedPostgres.Durability.DURABLE)) {
        Vertx v2 = Vertx.vertx();
        try {
          TestDatabases onIt = new TestDatabases(v2);
          DatabaseUrl kept = again.server().withDatabase(target.database());
          assertTrue(onIt.count(kept, "SELECT count(*) FROM animals") > 0);
        } finally {
          v2.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
        }
      }
    } finally {
      demo.destroyForcibly();
    }
  }

  /**
   * Ctrl-C while the demo's sync runs stops the demo: the run ends cancelled, the next commands say the sync is not
   * done, and the server is not started on the way out (it was, and stopped again at once).
   */
  @Test
  void ctrlCDuringTheSyncStopsTheDemoWithoutStartingTheServer(@TempDir Path work) throws Exception {
    int port = FreePorts.take();
    // Half the demo's large scale: the animals take seconds to load, so the signal lands during the sync.
    Process demo = startDemo(work, work.resolve("demo-data"), port, "0.5");
    Path log = work.resolve("demo.log");
    try {
      awaitLine(demo, log, "▶ dependents");
      String out = ctrlC(demo, log);
      assertTrue(out.contains("✗ cancelled"), out);
      assertTrue(out.contains("sync --config ferry-demo.yaml   # syncs what this run did not"), out);
      assertFalse(out.contains("Starting the server"), out);
      assertFalse(answers(port), "the demo's server listens after Ctrl-C");
    } finally {
      demo.destroyForcibly();
    }
  }

  /**
   * Ctrl-C (SIGTERM, the same shutdown, when the tests themselves were started with SIGINT ignored); returns the
   * demo's output once it has ended.
   */
  private static String ctrlC(Process demo, Path log) throws Exception {
    String signal = SignalDisposition.interruptIgnored() ? "-TERM" : "-INT";
    new ProcessBuilder("kill", signal, String.valueOf(demo.pid())).inheritIO().start().waitFor();
    assertTrue(demo.waitFor(60, TimeUnit.SECONDS), "kill " + signal + " did not end the demo: " + Files.readString(log));
    return Files.readString(log);
  }

  private static Process startDemo(Path work, Path data, int port) throws Exception {
    return startDemo(work, data, port, "0.005");
  }

  private static Process startDemo(Path work, Path data, int port, String scale) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
        FerryCli.class.getName(), "demo", "--embedded", "--data-dir", data.toString(), "--scale", scale,
        "--port", String.valueOf(port))
        .directory(work.toFile())
        .redirectErrorStream(true)
        .redirectOutput(work.resolve("demo.log").toFile());
    Map<String, String> env = pb.environment();
    env.remove("FERRY_API_TOKEN");
    env.remove("FERRY_SOURCE_URL");
    env.remove("FERRY_TARGET_URL");
    return pb.start();
  }

  private static void awaitLine(Process p, Path log, String line) throws Exception {
    long deadline = System.currentTimeMillis() + 240_000;
    while (System.currentTimeMillis() < deadline) {
      String out = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
      if (out.contains(line)) {
        return;
      }
      assertTrue(p.isAlive(), "the demo ended early:\n" + out);
      Thread.sleep(200);
    }
    throw new AssertionError("the demo never printed '" + line + "':\n" + Files.readString(log));
  }

  private static String yamlValue(String yaml, String key) {
    Matcher m = Pattern.compile("(?m)^\\s*" + key + ": \"([^\"]*)\"").matcher(yaml);
    assertTrue(m.find(), key + " missing from ferry-demo.yaml:\n" + yaml);
    return m.group(1);
  }

  private static boolean answers(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return true;
    } catch (Exception e) {
      return false;
    }
  }
}
