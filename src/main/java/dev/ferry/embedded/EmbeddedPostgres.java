package dev.ferry.embedded;

import dev.ferry.config.DatabaseUrl;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A PostgreSQL server Ferry runs itself from the bundled programs ({@link PostgresBundle}), for the demo and the
 * tests on a machine with no server: its data in a folder the caller names (kept, and reused by the next start),
 * listening on 127.0.0.1 only, trust authentication for {@code postgres}, no Unix socket. {@link #close()} stops it.
 *
 * <p>PostgreSQL refuses to run as root. As root the programs run in a new user namespace ({@code unshare --user}),
 * where they are the unprivileged {@code nobody} yet still own, on disk, the files root made: no account to create,
 * no folder to hand over.
 */
public final class EmbeddedPostgres implements AutoCloseable {
  /** The superuser initdb creates. */
  public static final String USER = "postgres";
  private static final Duration INITDB_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration PG_CTL_TIMEOUT = Duration.ofSeconds(90);
  private static final int START_ATTEMPTS = 3;

  /** Whether the data must survive a crash (the demo's folder) or is thrown away (tests' servers). */
  public enum Durability { DURABLE, THROWAWAY }

  private final Path bin;
  private final Path data;
  private final Path log;
  private final List<String> asUnprivileged;
  private int port;
  private boolean running;

  private EmbeddedPostgres(Path bin, Path folder, List<String> asUnprivileged) {
    this.bin = bin;
    this.data = folder.resolve("data");
    this.log = folder.resolve("server.log");
    this.asUnprivileged = asUnprivileged;
  }

  /**
   * Starts the server whose data is in {@code folder} (created with initdb the first time), or adopts it if it is
   * already running there; blocking, seconds the first time (unpacking and initdb), about one after.
   */
  public static EmbeddedPostgres start(Path folder, Durability durability) throws IOException {
    Files.createDirectories(folder);
    Path home = PostgresBundle.unpacked(PostgresBundle.defaultCacheRoot());
    EmbeddedPostgres server = new EmbeddedPostgres(home.resolve("bin"), folder.toAbsolutePath(), asUnprivileged(folder));
    if (!Files.exists(server.data.resolve("PG_VERSION"))) {
      server.initdb(durability);
    }
    if (server.alreadyRunning()) {
      return server;
    }
    server.startOnFreePort();
    return server;
  }

  /** {@code postgresql://postgres@127.0.0.1:PORT/postgres}: a server on which databases may be created. */
  public DatabaseUrl server() {
    return DatabaseUrl.parse("postgresql://" + USER + "@127.0.0.1:" + port + "/postgres?sslmode=disable",
        "the embedded server");
  }

  public int port() {
    return port;
  }

  public Path folder() {
    return data.getParent();
  }

  /** Fast shutdown (sessions are ended, data is kept); true if this call stopped it, false if it was stopped. */
  public synchronized boolean stop() {
    if (!running) {
      return false;
    }
    running = false;
    try {
      pgCtl("-m", "fast", "stop").orFail("stopping the embedded PostgreSQL in " + folder());
    } catch (IOException e) {
      System.err.println("ferry: " + e.getMessage());
    }
    return true;
  }

  @Override
  public void close() {
    stop();
  }

  private static List<String> asUnprivileged(Path folder) throws IOException {
    boolean root;
    try {
      root = ((Integer) Files.getAttribute(folder, "unix:uid")) == 0;
    } catch (UnsupportedOperationException | IllegalArgumentException notUnix) {
      return List.of();
    }
    if (!root) {
      return List.of();
    }
    List<String> unshare = List.of("unshare", "--user", "--");
    List<String> probe = new ArrayList<>(unshare);
    probe.add("true");
    String why;
    try {
      ServerProgram p = ServerProgram.run(probe, Duration.ofSeconds(10));
      if (p.exitCode() == 0) {
        return unshare;
      }
      why = p.output();
    } catch (IOException e) {
      why = e.getMessage();
    }
    throw new IOException("PostgreSQL refuses to run as root, and `unshare --user`, which would let it run as an"
        + " unprivileged user, does not work here (" + why + "). Run Ferry as an ordinary user, or give a server"
        + " with --server URL");
  }

  private void initdb(Durability durability) throws IOException {
    Files.createDirectories(data.getParent());
    // --locale=C exists on every system and sorts by code point, as C.UTF-8 does.
    run(List.of(bin.resolve("initdb").toString(), "-D", data.toString(), "-U", USER, "-A", "trust", "-E", "UTF8",
        "--locale=C", "--no-sync"), INITDB_TIMEOUT).orFail("initdb (creating a PostgreSQL data folder in " + data + ")");
    String settings = "listen_addresses = '127.0.0.1'\n"
        + "unix_socket_directories = ''\n"
        + "max_connections = 100\n"
        + (durability == Durability.THROWAWAY ? "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n" : "");
    Files.writeString(data.resolve("ferry.conf"), settings);
    Files.writeString(data.resolve("postgresql.conf"), "\ninclude 'ferry.conf'\ninclude_if_exists 'ferry-port.conf'\n",
        StandardOpenOption.APPEND);
  }

  /** True when a server already runs on this folder (a demo still running, or one whose Ferry was killed). */
  private boolean alreadyRunning() throws IOException {
    if (!Files.exists(data.resolve("postmaster.pid")) || pgCtl("status").exitCode() != 0) {
      return false;
    }
    // postmaster.pid's fourth line is the port.
    port = Integer.parseInt(Files.readAllLines(data.resolve("postmaster.pid")).get(3).strip());
    running = true;
    return true;
  }

  /** A free port each start; another if it was taken between choosing it and the server binding it. */
  private void startOnFreePort() throws IOException {
    for (int attempt = 1; ; attempt++) {
      port = freePort();
      Files.writeString(data.resolve("ferry-port.conf"), "port = " + port + "\n");
      ServerProgram started = pgCtl("start");
      if (started.exitCode() == 0) {
        running = true;
        return;
      }
      String tail = logTail();
      if (attempt < START_ATTEMPTS && tail.contains("could not create any TCP/IP sockets")) {
        continue;
      }
      throw new IOException("the embedded PostgreSQL in " + folder() + " did not start: " + started.output()
          + "\n--- " + log + ", last lines ---\n" + tail);
    }
  }

  private ServerProgram pgCtl(String... args) throws IOException {
    List<String> command = new ArrayList<>(List.of(bin.resolve("pg_ctl").toString(), "-D", data.toString(), "-l",
        log.toString(), "-w", "-t", String.valueOf(PG_CTL_TIMEOUT.toSeconds() - 10)));
    command.addAll(List.of(args));
    return run(command, PG_CTL_TIMEOUT);
  }

  private ServerProgram run(List<String> command, Duration timeout) throws IOException {
    List<String> full = new ArrayList<>(asUnprivileged);
    full.addAll(command);
    return ServerProgram.run(full, timeout);
  }

  private String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (NoSuchFileException e) {
      return "(no server log was written)";
    } catch (IOException e) {
      return "(cannot read the server log: " + e.getMessage() + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
