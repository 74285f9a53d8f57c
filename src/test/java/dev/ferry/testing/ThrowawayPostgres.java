package dev.ferry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A PostgreSQL server of a test's own, in a temporary folder on a free port: for what must never be done to the
 * shared server (reconfigure it for TLS, restart it, stop it). With TLS it presents a certificate for the name
 * {@code localhost} only, signed by a CA made for it, and refuses connections that are not encrypted.
 *
 * <p>Where no server can be started (no PostgreSQL server programs, or running as root without a {@code postgres}
 * user to run it as) the test using it is skipped, with the reason, through JUnit assumptions.
 */
public final class ThrowawayPostgres implements AutoCloseable {
  /** The superuser initdb creates; trust authentication, so any password a URL carries is ignored. */
  public static final String USER = "postgres";
  private static final String SERVER_OS_USER = "postgres";
  private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
  private static final int START_ATTEMPTS = 3;
  private static final int LOG_TAIL_LINES = 30;

  private final Path bin;
  private final Path dir;
  private final Path data;
  private final Path log;
  private final List<String> runAsServerUser;
  private final TestCertificateAuthority ca;
  private final boolean ipv6;
  private final Thread cleanupAtExit = new Thread(this::close, "throwaway-postgres-cleanup");
  private int port;
  private boolean running;
  private boolean closed;

  private ThrowawayPostgres(Path bin, Path dir, List<String> runAsServerUser, TestCertificateAuthority ca) {
    this.bin = bin;
    this.dir = dir;
    this.data = dir.resolve("data");
    this.log = dir.resolve("server.log");
    this.runAsServerUser = runAsServerUser;
    this.ca = ca;
    this.ipv6 = ipv6LoopbackAvailable();
  }

  /** A running server that accepts only TLS connections (see the class comment). */
  public static ThrowawayPostgres startWithTls() {
    Assumptions.assumeTrue(TestCertificateAuthority.opensslAvailable(),
        "openssl cannot be run here, so no certificate can be made for a throw-away TLS PostgreSQL server");
    return start(true);
  }

  /** A running server without TLS (for tests that only need a server they may restart or stop). */
  public static ThrowawayPostgres startWithoutTls() {
    return start(false);
  }

  private static ThrowawayPostgres start(boolean tls) {
    Optional<Path> bin = PostgresBinaries.find();
    Assumptions.assumeTrue(bin.isPresent(), "no PostgreSQL server programs (initdb, pg_ctl, postgres) found in "
        + PostgresBinaries.whereLooked() + ", so no throw-away server can be started");
    Path dir = null;
    ThrowawayPostgres server = null;
    try {
      dir = Files.createTempDirectory("ferry-pg-");
      List<String> runAs = runAsServerUser(dir);
      TestCertificateAuthority ca = tls ? TestCertificateAuthority.create(dir.resolve("tls"), "Ferry throw-away test CA") : null;
      server = new ThrowawayPostgres(bin.get(), dir, runAs, ca);
      Runtime.getRuntime().addShutdownHook(server.cleanupAtExit);
      server.createCluster();
      server.startServer();
      return server;
    } catch (IOException e) {
      throw cleanUpAfter(server, dir, new UncheckedIOException(e));
    } catch (RuntimeException e) {
      throw cleanUpAfter(server, dir, e);
    }
  }

  private static RuntimeException cleanUpAfter(ThrowawayPostgres server, Path dir, RuntimeException failure) {
    if (server != null) {
      server.close();
    } else if (dir != null) {
      deleteRecursively(dir);
    }
    return failure;
  }

  /**
   * initdb refuses to run as root: then the server runs as the {@code postgres} OS user, through runuser, and owns
   * the folder. Otherwise it runs as whoever runs the tests.
   */
  private static List<String> runAsServerUser(Path dir) throws IOException {
    boolean root = ((Integer) Files.getAttribute(dir, "unix:uid")) == 0;
    if (!root) {
      return List.of();
    }
    UserPrincipal serverUser;
    try {
      serverUser = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(SERVER_OS_USER);
    } catch (UserPrincipalNotFoundException e) {
      deleteRecursively(dir);
      Assumptions.abort("running as root, and there is no '" + SERVER_OS_USER
          + "' OS user to run a throw-away PostgreSQL server as (initdb refuses root)");
      throw e;
    }
    Optional<Path> runuser = Stream.of("/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser", "/bin/runuser")
        .map(Path::of).filter(Files::isExecutable).findFirst();
    if (runuser.isEmpty()) {
      deleteRecursively(dir);
      Assumptions.abort("running as root, and runuser is not installed to run a throw-away PostgreSQL server as '"
          + SERVER_OS_USER + "' (initdb refuses root)");
    }
    Files.setOwner(dir, serverUser);
    return List.of(runuser.get().toString(), "-u", SERVER_OS_USER, "--");
  }

  /** initdb, then the TLS files and settings and an access policy of our own, before the first start. */
  private void createCluster() throws IOException {
    // --locale=C exists everywhere and sorts like C.UTF-8 (by code point), which is what the shared server uses.
    asServerUser(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust", "-E", "UTF8",
        "--locale=C", "--no-sync");
    String tlsSettings = "";
    if (ca != null) {
      TestCertificateAuthority.ServerCertificate cert = ca.issueServerCertificate("server", "localhost");
      if (!runAsServerUser.isEmpty()) {
        // PostgreSQL reads the key only if the server's own user owns it with mode 0600.
        Files.setOwner(cert.key(), Files.getOwner(dir));
      }
      tlsSettings = "ssl = on\n"
          + "ssl_cert_file = " + quoted(cert.certificate()) + "\n"
          + "ssl_key_file = " + quoted(cert.key()) + "\n";
    }
    Files.writeString(data.resolve("throwaway.conf"), tlsSettings
        + "unix_socket_directories = " + quoted(dir) + "\n"
        + "listen_addresses = '127.0.0.1" + (ipv6 ? ",::1" : "") + "'\n"
        // Small and unsafe on purpose: a test server, thrown away afterwards.
        + "max_connections = 30\n"
        + "shared_buffers = 16MB\n"
        + "fsync = off\n"
        + "synchronous_commit = off\n"
        + "full_page_writes = off\n");
    Files.writeString(data.resolve("postgresql.conf"), "\ninclude 'throwaway.conf'\ninclude_if_exists 'port.conf'\n",
        java.nio.file.StandardOpenOption.APPEND);
    Files.writeString(data.resolve("pg_hba.conf"), hba(ca != null));
  }

  private String hba(boolean tls) {
    List<String> lines = new ArrayList<>(List.of("local all all trust"));
    List<String> loopbacks = ipv6 ? List.of("127.0.0.1/32", "::1/128") : List.of("127.0.0.1/32");
    for (String net : loopbacks) {
      if (tls) {
        lines.add("hostssl all all " + net + " trust");
        lines.add("hostnossl all all " + net + " reject");
      } else {
        lines.add("host all all " + net + " trust");
      }
    }
    return String.join("\n", lines) + "\n";
  }

  /** Starts on a free port; tries another if the port was taken between choosing it and binding it. */
  private void startServer() throws IOException {
    for (int attempt = 1; ; attempt++) {
      port = freePort();
      Files.writeString(data.resolve("port.conf"), "port = " + port + "\n");
      try {
        pgCtl("start");
        running = true;
        return;
      } catch (IllegalStateException e) {
        if (attempt < START_ATTEMPTS && logTail().contains("could not create any TCP/IP sockets")) {
          continue;
        }
        throw new IllegalStateException("the throw-away PostgreSQL server in " + dir + " did not start ("
            + e.getMessage().strip() + ")\n--- server log, last lines ---\n" + logTail(), e);
      }
    }
  }

  /** A fast restart (sessions are cut, as when a production server restarts mid-run); same port, same settings. */
  public void restart() {
    try {
      pgCtl("-m", "fast", "restart");
      running = true;
    } catch (IllegalStateException e) {
      running = false;
      throw new IllegalStateException("the throw-away PostgreSQL server did not restart (" + e.getMessage().strip()
          + ")\n--- server log, last lines ---\n" + logTail(), e);
    }
  }

  /** Stops the server (fast shutdown); {@link #restart()} brings it back. */
  public void stop() {
    if (running) {
      pgCtl("-m", "fast", "stop");
      running = false;
    }
  }

  private void pgCtl(String... args) {
    List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
        log.toString(), "-w", "-t", String.valueOf(PG_CTL_TIMEOUT.toSeconds() - 10)));
    command.addAll(List.of(args));
    asServerUser(command.toArray(String[]::new));
  }

  private String asServerUser(String... command) {
    List<String> full = new ArrayList<>(runAsServerUser);
    full.addAll(List.of(command));
    return ExternalCommand.run(dir, PG_CTL_TIMEOUT, full);
  }

  /** Runs SQL as the superuser over the Unix socket (no TLS needed), e.g. CREATE DATABASE; returns psql's output. */
  public String execute(String database, String sql) {
    return ExternalCommand.run(dir, Duration.ofSeconds(60), List.of(bin.resolve("psql").toString(), "-X", "-q", "-A",
        "-t", "-v", "ON_ERROR_STOP=1", "-h", dir.toString(), "-p", String.valueOf(port), "-U", USER, "-d", database,
        "-c", sql)).strip();
  }

  public void createDatabase(String name) {
    execute("postgres", "CREATE DATABASE \"" + name.replace("\"", "\"\"") + "\"");
  }

  /** {@code postgresql://postgres@localhost:PORT/database?query}: the host name the certificate is made out to. */
  public String url(String database, String query) {
    return url("localhost", database, query);
  }

  /** The same with another host, e.g. 127.0.0.1, which the certificate does not name. */
  public String url(String host, String database, String query) {
    return "postgresql://" + USER + "@" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + "/" + database
        + (query == null || query.isEmpty() ? "" : "?" + query);
  }

  public int port() {
    return port;
  }

  /** The certificate of the CA that signed the server's certificate: a client's sslrootcert. */
  public Path caCertPath() {
    if (ca == null) {
      throw new IllegalStateException("this throw-away server was started without TLS");
    }
    return ca.certificate();
  }

  /** The last lines of the server's log, for failure messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
    } catch (NoSuchFileException e) {
      return "(no server log was written)";
    } catch (IOException e) {
      return "(cannot read the server log: " + e.getMessage() + ")";
    }
  }

  /** Stops the server at once if it still runs and deletes its folder; safe to call twice. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (running || Files.exists(data.resolve("postmaster.pid"))) {
        stopImmediately();
      }
    } finally {
      deleteRecursively(dir);
      try {
        Runtime.getRuntime().removeShutdownHook(cleanupAtExit);
      } catch (IllegalStateException | IllegalArgumentException alreadyShuttingDownOrNotAdded) {
        // nothing to undo
      }
    }
  }

  /** pg_ctl's immediate stop; if even that fails, the postmaster this fixture started is killed by its pid. */
  private void stopImmediately() {
    try {
      pgCtl("-m", "immediate", "stop");
    } catch (RuntimeException e) {
      postmasterPid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    }
    running = false;
  }

  private Optional<Long> postmasterPid() {
    try (Stream<String> lines = Files.lines(data.resolve("postmaster.pid"))) {
      return lines.findFirst().map(String::strip).map(Long::parseLong);
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  private int freePort() throws IOException {
    InetAddress v4 = InetAddress.getByName("127.0.0.1");
    return ipv6 ? FreePorts.take(v4, InetAddress.getByName("::1")) : FreePorts.take(v4);
  }

  private static boolean ipv6LoopbackAvailable() {
    try {
      return FreePorts.bindable(0, InetAddress.getByName("::1"));
    } catch (IOException e) {
      return false;
    }
  }

  private static String quoted(Path path) {
    return "'" + path.toString().replace("'", "''") + "'";
  }

  private static void deleteRecursively(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> all = Files.walk(root)) {
      for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete the throw-away server's folder " + root, e);
    }
  }
}
