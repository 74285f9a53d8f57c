package dev.ferry.cli;

import static dev.ferry.testing.TestDatabases.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.testing.TestDatabases;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `ferry rules` and `ferry pull` from the command line: columns no rule classifies are listed with a suggestion for
 * the personal-looking ones, `--check` fails until every column has a rule; a pull refuses a target elsewhere, and
 * rules that hash without FERRY_MASK_SALT.
 */
class PullCommandsTest {
  private Vertx vertx;
  private TestDatabases dbs;
  private CliHarness cli;
  private DatabaseUrl production;
  private DatabaseUrl local;
  @TempDir
  Path dir;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    dbs = new TestDatabases(vertx);
    cli = new CliHarness();
    production = dbs.create("pc_prod");
    local = dbs.create("pc_local");
    dbs.execute(production, "CREATE TABLE customers (id int PRIMARY KEY, contact text, mobile varchar(30), notes jsonb,"
        + " tier text); INSERT INTO customers SELECT g, 'c' || g || '@example.org', '+49 151 ' || (1000000 + g),"
        + " jsonb_build_object('billing', 'b' || g || '@corp.example'), 'gold' FROM generate_series(1, 50) g");
  }

  @AfterEach
  void tearDown() {
    cli.close();
    dbs.close();
    await(vertx.close());
  }

  private Path config(String rules) throws IOException {
    Path file = dir.resolve("ferry.yaml");
    Files.writeString(file, "source: \"" + local.toLibpqUrl() + "\"\ntarget: \"" + production.toLibpqUrl() + "\"\n"
        + "rules:\n" + rules);
    return file;
  }

  @Test
  void rulesListsUnclassifiedColumnsAndSuggestsRulesForPersonalOnes() throws IOException {
    Path conf = config("  \"customers.id\": keep\n");
    assertEquals(ExitCode.FAILED, cli.ferry("rules", "--check", "--config", conf.toString()), cli.output());
    String out = cli.output();
    assertTrue(out.contains("\"customers.contact\": email"), "by content (50 of 50 are emails): " + out);
    assertTrue(out.contains("\"customers.mobile\": phone"), "by name: " + out);
    assertTrue(out.contains("\"customers.notes\": {value: '{}'}"), "JSON holding emails: " + out);
    assertTrue(out.contains("tier                         unclassified\n"), "nothing personal, no suggestion: " + out);

    Path all = config("  \"customers.id\": keep\n  \"customers.contact\": email\n  \"customers.mobile\": phone\n"
        + "  \"customers.notes\": {value: '{}'}\n  \"customers.tier\": keep\n");
    assertEquals(ExitCode.OK, cli.ferry("rules", "--check", "--config", all.toString()), cli.output());
    assertTrue(cli.output().contains("✓ every column is classified and every rule can run"), cli.output());
  }

  @Test
  void aPullRefusesATargetElsewhereAndHashesWithoutASalt() throws IOException {
    Path conf = config("  \"customers.contact\": email\n");
    String elsewhere = "postgresql://postgres@db.example.com:5432/dev";
    assertEquals(ExitCode.USAGE, cli.ferry("pull", "--config", conf.toString(), "--source", elsewhere), cli.output());
    assertTrue(cli.output().contains("not on this machine") && cli.output().contains("--confirm-remote-target"),
        cli.output());
    // The test's environment has no FERRY_MASK_SALT: a hashing rule is refused before any row moves.
    Assumptions.assumeTrue(System.getenv("FERRY_MASK_SALT") == null, "FERRY_MASK_SALT is set here");
    assertEquals(ExitCode.REFUSED, cli.ferry("pull", "--config", conf.toString()), cli.output());
    assertTrue(cli.output().contains("FERRY_MASK_SALT is not set"), cli.output());
    assertEquals(0, dbs.count(local, "SELECT count(*) FROM customers"), "the schema came first; no row moved");
  }
}
