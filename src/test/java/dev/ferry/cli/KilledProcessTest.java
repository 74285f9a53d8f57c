package dev.ferry.cli;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * `ferry sync` as a child process, signalled in the middle of a large table. SIGKILL: the history shows the run
 * interrupted once another Ferry opens it, and a re-run converges with no duplicate rows. SIGTERM: the current batch
 * finishes, the run ends cancelled and is recorded so.
 */
class KilledProcessTest {
  private static final int ROWS = 300_000;

  private Vertx vertx;
  private TestDatabases dbs;
  private DatabaseUrl src;
  private DatabaseUrl tgt;
  private Path workDir;

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    src = dbs.create("kill_src");
    tgt = dbs.create("kill_tgt");
    String ddl = "CREATE TABLE events (id bigint PRIMARY KEY, payload text, at timestamptz);";
    dbs.execute(src, ddl + "INSERT INTO events SELECT g, repeat(md5(g::text), 3), now() - g * interval '1 minute'"
        + " FROM generate_series(1, " + ROWS + ") g;");
    // A view on the table keeps it from being staged and swapped in (which loads it all or nothing): this test is
    // about a load committed checkpoint by checkpoint.
    dbs.execute(tgt, ddl + "CREATE VIEW recent_events AS SELECT id, at FROM events;");
    workDir = Files.createTempDirectory("ferry-kill");
    // Small batches and checkpoints, so the child is still copying when the test signals it.
    Files.writeString(workDir.resolve("ferry.yaml"), "sync: {batchSize: 200, pipeline: 2, checkpointRows: 20000}\n");
  }

  @AfterEach
  void tearDown() throws Exception {
    dbs.close();
    await(vertx.close());
    try (var files = Files.walk(workDir)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }

  @Test
  void sigkillMidRunShowsAsInterruptedAndTheRerunConverges() throws Exception {
    Process child = startSync();
    String runId = awaitRunningWithACheckpoint(child);
    child.destroyForcibly();
    assertTrue(child.waitFor(30, TimeUnit.SECONDS));
    long committed = dbs.count(tgt, "SELECT count(*) FROM events");
    assertEquals("running", status(runId), "nobody has looked at the history yet");

    try (CliHarness cli = new CliHarness()) {
      int code = cli.ferry("sync", "--config", workDir.resolve("ferry.yaml").toString(),
          "--source", src.toLibpqUrl(), "--target", tgt.toLibpqUrl());
      assertEquals(0, code, cli.output());
    }
    assertEquals("interrupted", status(runId));
    assertEquals(1, dbs.count(tgt, "SELECT count(*) FROM ferry.runs WHERE status = 'succeeded'"));
    assertEquals(ROWS, dbs.count(tgt, "SELECT count(*) FROM events"), "no duplicate and no missing row");
    assertEquals(dbs.contentDigest(src), dbs.contentDigest(tgt));
    System.out.println("SIGKILL after " + committed + " committed rows; re-run converged to " + ROWS);
  }

  @Test
  void sigtermFinishesTheBatchAndRecordsTheRunCancelled() throws Exception {
    Process child = startSync();
    String runId = awaitRunningWithACheckpoint(child);
    long sent = System.nanoTime();
    child.destroy(); // SIGTERM
    assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the child exits after SIGTERM");
    double seconds = (System.nanoTime() - sent) / 1e9;
    String out = Files.readString(workDir.resolve("child.log"), StandardCharsets.UTF_8);
    assertEquals("cancelled", status(runId), out);
    assertTrue(out.contains("cancelled"), out);
    long committed = dbs.count(tgt, "SELECT count(*) FROM events");
    assertTrue(committed % 20000 == 0 && committed < ROWS,
        "what stays is whole checkpoints, the table in progress rolled back to its last one: " + committed);
    System.out.printf("SIGTERM: exited %.1f s later with code %d, run recorded cancelled, %d rows committed%n",
        seconds, child.exitValue(), committed);
  }

  private Process startSync() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), FerryCli.class.getName(), "sync",
        "--config", workDir.resolve("ferry.yaml").toString(), "--source", src.toLibpqUrl(), "--target", tgt.toLibpqUrl())
        .redirectErrorStream(true)
        .redirectOutput(workDir.resolve("child.log").toFile())
        .start();
  }

  /** Waits until the child's run is in the history and its first checkpoint is committed; returns the run's id. */
  private String awaitRunningWithACheckpoint(Process child) throws Exception {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      assertTrue(child.isAlive(), () -> "the child ended early: " + log());
      boolean hasHistory = dbs.count(tgt, "SELECT count(*) FROM pg_tables WHERE schemaname = 'ferry' AND tablename = 'runs'") > 0;
      if (hasHistory && dbs.count(tgt, "SELECT count(*) FROM events") >= 20000) {
        return dbs.text(tgt, "SELECT id::text FROM ferry.runs WHERE status = 'running'");
      }
      Thread.sleep(50);
    }
    throw new AssertionError("the child never committed a checkpoint: " + log());
  }

  private String status(String runId) {
    return dbs.text(tgt, "SELECT status FROM ferry.runs WHERE id = '" + runId + "'");
  }

  private String log() {
    try {
      return Files.readString(workDir.resolve("child.log"));
    } catch (Exception e) {
      return "(no log)";
    }
  }
}
