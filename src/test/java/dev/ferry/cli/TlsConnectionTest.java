package dev.ferry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.testing.TestCertificateAuthority;
import dev.ferry.testing.TestDatabases;
import dev.ferry.testing.ThrowawayPostgres;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS over real connections, against a throw-away server that accepts TLS only and whose certificate names
 * {@code localhost} only: what each sslmode accepts and refuses, through Ferry's own code paths (the reactive
 * client for test-connection and sync, JDBC for Flyway), with specific errors that never carry the password.
 */
class TlsConnectionTest {
  /** Trust authentication ignores it; it is there to prove no error message prints it. */
  private static final String SECRET = "Tls-Pa55word-N3ver-Printed";
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private static ThrowawayPostgres server;
  private static TestCertificateAuthority unrelatedCa;

  @TempDir
  static Path tempDir;

  private Vertx vertx;
  private TestDatabases dbs;
  private CliHarness cli;

  @BeforeAll
  static void startServer() {
    server = ThrowawayPostgres.startWithTls();
    unrelatedCa = TestCertificateAuthority.create(tempDir.resolve("unrelated-ca"), "Some other CA");
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

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

  /** A new database on the TLS server, and its URL with {@code query} and the password in it. */
  private static String tlsDatabase(String host, String query) {
    String name = "tls_" + DATABASES.incrementAndGet();
    server.createDatabase(name);
    return withSecret(server.url(host, name, query));
  }

  private static String withSecret(String url) {
    return url.replace("://" + ThrowawayPostgres.USER + "@", "://" + ThrowawayPostgres.USER + ":" + SECRET + "@");
  }

  private static String verifyFull(Path rootCert) {
    return "sslmode=verify-full&sslrootcert=" + rootCert;
  }

  private int testConnection(String target) {
    return cli.ferry("test-connection", "--source", dbs.server().toLibpqUrl(), "--target", target);
  }

  /** A failure is specific words about the target, not a stack trace, and never shows the password. */
  private void assertFailsWith(int exitCode, String expected) {
    String output = cli.output();
    assertEquals(ExitCode.FAILED, exitCode, output);
    assertTrue(output.contains(expected), output);
    assertFalse(output.contains(SECRET), output);
    assertFalse(output.contains("\tat ") || output.contains("Exception"), output);
  }

  @Test
  void requireEncryptsWithoutCheckingTheCertificateAndASyncRunsOverIt() {
    DatabaseUrl source = dbs.create("tls_src");
    String targetUrl = tlsDatabase("localhost", "sslmode=require");
    DatabaseUrl target = DatabaseUrl.parse(targetUrl, "target");
    String ddl = "CREATE TABLE shipments (id bigint PRIMARY KEY, label text NOT NULL, weight numeric(10, 2),"
        + " shipped_at timestamptz, details jsonb, checksum bytea);";
    dbs.execute(source, ddl + "INSERT INTO shipments SELECT g, 'crate ' || g, g * 1.25,"
        + " timestamptz '2024-01-01 00:00:00+00' + g * interval '1 hour', jsonb_build_object('n', g),"
        + " decode(md5(g::text), 'hex') FROM generate_series(1, 3000) g;");
    dbs.execute(target, ddl);

    assertEquals(ExitCode.OK, cli.ferry("sync", "--source", source.toLibpqUrl(), "--target", targetUrl), cli.output());
    assertTrue(cli.output().contains("wrote 3,000 rows") && cli.output().contains("✓ validation ok"), cli.output());
    assertFalse(cli.output().contains(SECRET), cli.output());
    assertEquals(dbs.contentDigest(source), dbs.contentDigest(target));
    // The server refuses unencrypted connections, so the sync's succeeding already means TLS; this says it outright.
    assertTrue(dbs.execute(target, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()").iterator().next()
        .getBoolean(0));
    assertEquals(ExitCode.OK, testConnection(targetUrl), cli.output());
    assertTrue(cli.output().matches("(?s).*✓ target .*PostgreSQL [^\\n]*, TLS,.*"), cli.output());
  }

  @Test
  void verifyFullConnectsByTheNameOnTheCertificateAndVerifyCaByAnyName() {
    assertEquals(ExitCode.OK, testConnection(tlsDatabase("localhost", verifyFull(server.caCertPath()))), cli.output());
    assertTrue(cli.output().matches("(?s).*✓ target .*, TLS,.*"), cli.output());
    String verifyCa = "sslmode=verify-ca&sslrootcert=" + server.caCertPath();
    assertEquals(ExitCode.OK, testConnection(tlsDatabase("127.0.0.1", verifyCa)), cli.output());
  }

  @Test
  void theServerComesBackWithTheSameTlsSetupAfterARestart() {
    String url = tlsDatabase("localhost", verifyFull(server.caCertPath()));
    server.restart();
    assertEquals(ExitCode.OK, testConnection(url), cli.output());
    assertTrue(cli.output().matches("(?s).*✓ target .*, TLS,.*"), cli.output());
  }

  @Test
  void verifyFullRefusesAnAddressTheCertificateDoesNotName() {
    assertFailsWith(testConnection(tlsDatabase("127.0.0.1", verifyFull(server.caCertPath()))),
        "the certificate of the target database postgresql://postgres:***@127.0.0.1:" + server.port()
            + "/tls_");
    assertTrue(cli.output().contains("does not name the host '127.0.0.1', and sslmode=verify-full checks that it does"),
        cli.output());
  }

  @Test
  void verifyFullRefusesACertificateFromAnotherCa() {
    assertFailsWith(testConnection(tlsDatabase("localhost", verifyFull(unrelatedCa.certificate()))),
        "is not signed by the CA in sslrootcert (" + unrelatedCa.certificate() + ")");
  }

  @Test
  void requireWithARootCertificateChecksTheCaAsLibpqDoes() {
    String requireWithCa = tlsDatabase("localhost", "sslmode=require&sslrootcert=" + unrelatedCa.certificate());
    assertFailsWith(testConnection(requireWithCa), "is not signed by the CA in sslrootcert (" + unrelatedCa.certificate() + ")");
    assertFailsWith(cli.ferry("migrations", "--source", requireWithCa, "--target", requireWithCa),
        "is not signed by the CA in sslrootcert (" + unrelatedCa.certificate() + ")");
  }

  @Test
  void sslmodeDisableIsRefusedByAServerThatAcceptsOnlyTls() {
    assertFailsWith(testConnection(tlsDatabase("localhost", "sslmode=disable")),
        "accepts only TLS connections, and sslmode=disable does not use TLS");
  }

  @Test
  void sslmodeRequireIsRefusedByAServerWithoutTls() {
    Assumptions.assumeTrue("off".equals(dbs.text(dbs.server(), "SHOW ssl")), "the shared test server has TLS on");
    String noTls = dbs.server().toLibpqUrl().replaceFirst("sslmode=[a-z-]+", "sslmode=require");
    assertFailsWith(cli.ferry("test-connection", "--source", noTls, "--target", noTls), "does not offer TLS");
    assertFailsWith(cli.ferry("migrate", "--dry-run", "--target", noTls), "does not offer TLS, and sslmode=require insists on it");
  }

  @Test
  void flywayOverJdbcChecksTheCertificateTheSameWay() throws IOException {
    Path migrations = Files.createDirectories(tempDir.resolve("migrations"));
    Files.writeString(migrations.resolve("V1__pets.sql"), "CREATE TABLE pets (id int PRIMARY KEY, name text);");
    String locations = "filesystem:" + migrations;
    String good = tlsDatabase("localhost", verifyFull(server.caCertPath()));
    assertEquals(ExitCode.OK, cli.ferry("migrate", "--target", good, "--locations", locations), cli.output());
    assertTrue(cli.output().contains("1 migration applied"), cli.output());
    assertEquals("1", server.execute(DatabaseUrl.parse(good, "target").database(),
        "SELECT count(*) FROM pg_tables WHERE tablename = 'pets'"));

    String wrongHost = tlsDatabase("127.0.0.1", verifyFull(server.caCertPath()));
    assertFailsWith(cli.ferry("migrate", "--dry-run", "--target", wrongHost, "--locations", locations),
        "does not name the host '127.0.0.1', and sslmode=verify-full checks that it does");
    String wrongCa = tlsDatabase("localhost", verifyFull(unrelatedCa.certificate()));
    assertFailsWith(cli.ferry("migrate", "--dry-run", "--target", wrongCa, "--locations", locations),
        "is not signed by the CA in sslrootcert (" + unrelatedCa.certificate() + ")");
    String plain = tlsDatabase("localhost", "sslmode=disable");
    assertFailsWith(cli.ferry("migrate", "--dry-run", "--target", plain, "--locations", locations),
        "accepts only TLS connections, and sslmode=disable does not use TLS");
  }
}
