package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The CLI as a user meets it: exit codes and messages, with real databases behind it. */
class CliTest {
  private static final String SECRET = "Sup3r-S3cret-Pa55";
  private Vertx vertx;
  private TestDatabases dbs;
  private CliHarness cli;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    cli = new CliHarness();
  }

  @AfterEach
  void tearDown() {
    cli.close();
    dbs.close();
    TestDatabases.await(vertx.close());
  }

  private int ferry(String... args) {
    return cli.ferry(args);
  }

  private String output() {
    return cli.output();
  }

  @Test
  void syncAndStatusExitZeroAndASecondSyncWritesNothing() {
    DatabaseUrl src = dbs.create("cli_src");
    DatabaseUrl tgt = dbs.create("cli_tgt");
    dbs.execute(src, "CREATE TABLE pets (id int PRIMARY KEY, name text); INSERT INTO pets VALUES (1, 'Rex'), (2, 'Ada');");
    dbs.execute(tgt, "CREATE TABLE pets (id int PRIMARY KEY, name text);");
    assertEquals(ExitCode.OK, ferry("sync", "--source", src.toLibpqUrl(), "--target", tgt.toLibpqUrl()), output());
    assertTrue(output().contains("wrote 2 rows"), output());
    // Not a terminal here: plain log lines, no cursor movement or colour codes.
    assertFalse(output().contains("\u001b["), output());
    assertTrue(output().contains("▶ dependents") && output().contains("✓ validation ok"), output());
    assertEquals(ExitCode.OK, ferry("sync", "--source", src.toLibpqUrl(), "--target", tgt.toLibpqUrl()), output());
    assertTrue(output().contains("wrote 0 rows"), output());
    assertEquals(ExitCode.OK, ferry("status", "--source", src.toLibpqUrl(), "--target", tgt.toLibpqUrl()), output());
    assertTrue(output().contains("row counts match"), output());
  }

  @Test
  void aWrongPasswordOrDatabaseGivesAClearErrorWithoutTheSecret() {
    String url = dbs.server().withDatabase("ferry_no_such_db").toLibpqUrl().replace("postgresql://postgres@",
        "postgresql://postgres:" + SECRET + "@");
    int code = ferry("test-connection", "--source", url, "--target", url);
    assertEquals(ExitCode.FAILED, code, output());
    assertTrue(output().contains("does not exist"), output());
    assertFalse(output().contains(SECRET), output());
    assertEquals(ExitCode.FAILED, ferry("sync", "--source", url, "--target", url), output());
    assertFalse(output().contains(SECRET), output());
  }

  @Test
  void usageAndConfigurationErrorsExitTwoAndRefusalsExitThree() {
    assertEquals(ExitCode.USAGE, ferry("sync", "--mode", "yolo", "--source", "postgresql://h/a", "--target", "postgresql://h/b"));
    assertTrue(output().contains("unknown mode 'yolo'"), output());
    assertEquals(ExitCode.USAGE, ferry("sync", "--source", "http://nope", "--target", "postgresql://h/b"));
    assertTrue(output().contains("--source"), output());
    assertEquals(ExitCode.USAGE, ferry("sync", "--no-such-flag"));
    DatabaseUrl src = dbs.create("cli_ref");
    assertEquals(ExitCode.REFUSED, ferry("sync", "--mode", "rebuild", "--source", src.toLibpqUrl(), "--target", src.toLibpqUrl()));
    assertTrue(output().contains("--confirm-destructive"), output());
  }

  /**
   * A typo gets the nearest names and a pointer to help, not pages of usage; the bare command, help and --help name
   * them all.
   */
  @Test
  void typosGetDidYouMeanAndNoPagesOfUsage() {
    assertEquals(ExitCode.USAGE, ferry("snyc"));
    assertEquals("ferry: unknown command 'snyc'\nDid you mean sync (not snyc)?\n"
        + "See 'ferry --help' for the commands.\n", output());
    // A mistyped command with options after it is still called a mistyped command, not an unknown option.
    assertEquals(ExitCode.USAGE, ferry("synk", "--config", "ferry-demo.yaml"));
    assertEquals("ferry: unknown command 'synk'\nDid you mean sync (not synk)?\n"
        + "See 'ferry --help' for the commands.\n", output());
    assertEquals(ExitCode.USAGE, ferry("sync", "--dryrun"));
    assertTrue(output().contains("Did you mean --dry-run (not --dryrun)?"), output());
    assertTrue(output().lines().count() <= 3, output());
    assertEquals(ExitCode.USAGE, ferry("diff", "--exitcode"));
    assertTrue(output().contains("Did you mean --exit-code"), output());
    // A mistyped option's value is not called an unknown option itself; a mistyped mode gets the nearest.
    assertEquals(ExitCode.USAGE, ferry("sync", "--modee", "mirror"));
    assertTrue(output().startsWith("ferry: unknown option '--modee' (so 'mirror' was not used either)\n"
        + "Did you mean --mode (not --modee)?"), output());
    assertEquals(ExitCode.USAGE, ferry("sync", "--mode", "mirorr", "--source", "postgresql://h/a", "--target",
        "postgresql://h/b"));
    assertTrue(output().contains("unknown mode 'mirorr': did you mean mirror?"), output());
    assertEquals(ExitCode.USAGE, ferry());
    for (String command : java.util.List.of("test-connection", "status", "sync", "diff", "migrate", "migrations", "backup",
        "backups", "restore", "rollback", "validate", "setup", "serve", "demo")) {
      assertTrue(output().contains(command), command + " missing from: " + output());
    }
    // A command named first is the only one modelled; help still knows them all.
    assertEquals(ExitCode.OK, ferry("help", "pull"));
    assertTrue(output().startsWith("Usage: ferry pull"), output());
    assertEquals(ExitCode.OK, ferry("--help"));
    assertTrue(output().contains("  rules") && output().contains("  pull"), output());
  }

  /** A host name that does not resolve is said as such, not as the resolver's NXDOMAIN. */
  @Test
  void anUnknownHostIsSaidPlainly() {
    DatabaseUrl tgt = dbs.create("cli_host_tgt");
    assertEquals(ExitCode.FAILED, ferry("sync", "--dry-run", "--source", "postgresql://postgres@no-such-host.invalid/db",
        "--target", tgt.toLibpqUrl()), output());
    assertTrue(output().contains("cannot connect to the source database postgresql://postgres@no-such-host.invalid:5432/db"),
        output());
    assertTrue(output().contains(": host 'no-such-host.invalid' not found (check the host name in the URL)"), output());
    assertFalse(output().contains("NXDOMAIN"), output());
  }

  /** A port another program holds: the server says which and how to choose another, and exits. */
  @Test
  void serveOnATakenPortSaysWhichAndHowToChooseAnother(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws Exception {
    DatabaseUrl src = dbs.create("cli_port_src");
    DatabaseUrl tgt = dbs.create("cli_port_tgt");
    java.nio.file.Path config = dir.resolve("ferry.yaml");
    java.nio.file.Files.writeString(config, "api:\n  token: cli-test-token-0123456789abcdef\n");
    try (java.net.ServerSocket taken = new java.net.ServerSocket(0)) {
      int port = taken.getLocalPort();
      assertEquals(ExitCode.USAGE, ferry("serve", "--port", Integer.toString(port), "--config", config.toString(),
          "--source", src.toLibpqUrl(), "--target", tgt.toLibpqUrl()), output());
      assertTrue(output().contains("api.port: port " + port + " is already in use (another server on it?): choose"
          + " another with --port or FERRY_HTTP_PORT"), output());
    }
  }

  /** A schema difference is refused with the safe way out (a migration), not with force mode. */
  @Test
  void aSchemaRefusalAdvisesTheMigrationNotForce() {
    DatabaseUrl src = dbs.create("cli_sch_src");
    DatabaseUrl tgt = dbs.create("cli_sch_tgt");
    dbs.execute(src, "CREATE TABLE pets (id int PRIMARY KEY, name text, born date)");
    dbs.execute(tgt, "CREATE TABLE pets (id int PRIMARY KEY, name text)");
    assertEquals(ExitCode.REFUSED, ferry("sync", "--source", src.toLibpqUrl(), "--target", tgt.toLibpqUrl()), output());
    assertTrue(output().contains("ferry diff --write-migration NAME") && output().contains("ferry migrate"), output());
    assertFalse(output().contains("--mode force"), output());
  }

  /** A typo in the configuration's table lists is said on the terminal, not only in --json and the history. */
  @Test
  void aConfiguredTableNameThatIsNotOnTheSourceIsSaid(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    DatabaseUrl src = dbs.create("cli_exc_src");
    DatabaseUrl tgt = dbs.create("cli_exc_tgt");
    dbs.execute(src, "CREATE TABLE t (id int PRIMARY KEY); INSERT INTO t VALUES (1)");
    dbs.execute(tgt, "CREATE TABLE t (id int PRIMARY KEY)");
    java.nio.file.Path file = dir.resolve("ferry.yaml");
    java.nio.file.Files.writeString(file, "exclude: [tt]\n");
    assertEquals(ExitCode.OK, ferry("sync", "--source", src.toLibpqUrl(), "--target", tgt.toLibpqUrl(), "--config",
        file.toString()), output());
    assertTrue(output().contains("configuration exclude names 'tt', which is not on the source"), output());
  }

  /** Every command says first which configuration file is in force, or that none is. */
  @Test
  void everyCommandSaysWhichConfigurationFileItRead(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
      throws java.io.IOException {
    DatabaseUrl db = dbs.create("cli_conf");
    String[] urls = {"--source", db.toLibpqUrl(), "--target", db.toLibpqUrl()};
    java.nio.file.Path file = dir.resolve("other.yaml");
    java.nio.file.Files.writeString(file, "sync: {batchSize: 10}\n");
    assertEquals(ExitCode.OK, ferry("status", urls[0], urls[1], urls[2], urls[3], "--config", file.toString()), output());
    assertTrue(output().startsWith("ferry: configuration " + file.toAbsolutePath() + "\n"), output());
    // The tests run in the project folder, whose conf/ferry.yaml is read by default.
    assertEquals(ExitCode.OK, ferry("status", urls[0], urls[1], urls[2], urls[3]), output());
    assertTrue(output().startsWith("ferry: configuration " + java.nio.file.Path.of("conf/ferry.yaml").toAbsolutePath()),
        output());
  }
}
