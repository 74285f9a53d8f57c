package dev.ferry.migrate;

import dev.ferry.config.ConfigException;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.control.ControlSchema;
import dev.ferry.control.MigrationLog;
import dev.ferry.db.ConnectionErrors;
import dev.ferry.db.DatabaseException;
import dev.ferry.db.Side;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.MigrationState;
import org.flywaydb.core.api.MigrationVersion;
import org.flywaydb.core.api.output.ValidateResult;
import org.flywaydb.database.postgresql.PostgreSQLConfigurationExtension;

/**
 * Flyway on one database, with what Ferry adds: a dry run for everyone (pending SQL, lint, checksum validation),
 * undo scripts ({@code U<version>__…sql}), a lock so that concurrent {@code ferry migrate} calls run one at a time,
 * and a log in the database's ferry schema. Every method blocks: call them from a worker thread.
 * (Over 300 lines: each verb is a few lines around Flyway, and the lock, the lint and the log they share would
 * otherwise need passing between classes that exist only to be split.)
 */
public final class Migrations {
  /** pg_advisory_lock key shared by every Ferry migrate/undo/baseline/repair on a database. */
  private static final long LOCK_KEY = 0x4665727279L; // "Ferry"
  private static final java.time.Duration LOCK_WAIT = java.time.Duration.ofMinutes(15);

  private final DatabaseUrl url;
  private final List<String> locations;
  /** How errors name the database: "target database", or just "database" when the side is not known. */
  private final String what;
  private boolean reachable;

  public Migrations(DatabaseUrl url, List<String> locations) {
    this(null, url, locations);
  }

  public Migrations(Side side, DatabaseUrl url, List<String> locations) {
    this.what = side == null ? "database" : side.label() + " database";
    this.url = url;
    this.locations = locations;
  }

  /** A pending migration and what Ferry thinks of it. */
  public record Pending(String version, String description, String script, String sql, List<MigrationLint.Finding> findings) {}

  /** One row of the side-by-side listing. */
  public record Entry(String version, String description, String type, String state, Integer checksum,
      String installedOn) {}

  private Flyway flyway() {
    checkNames();
    checkReachable();
    var cfg = Flyway.configure()
        .dataSource(url.jdbcUrl(), url.jdbcProperties().getProperty("user"), url.jdbcProperties().getProperty("password"))
        .locations(locations.toArray(String[]::new))
        .mixed(true) // lets CREATE INDEX CONCURRENTLY run (outside a transaction) in a migration of its own
        .cleanDisabled(true)
        .validateMigrationNaming(false) // Flyway's check rejects U (undo) files; checkNames() does it instead
        .connectRetries(0);
    // A session-level lock: the default transactional lock holds an idle transaction that CONCURRENTLY waits on.
    cfg.getPluginRegister().getPlugin(PostgreSQLConfigurationExtension.class).setTransactionalLock(false);
    return cfg.load();
  }

  public List<Entry> info() {
    List<Entry> out = new ArrayList<>();
    for (MigrationInfo m : flyway().info().all()) {
      out.add(new Entry(m.getVersion() == null ? "(repeatable)" : m.getVersion().getVersion(), m.getDescription(),
          String.valueOf(m.getType()), state(m.getState()), m.getChecksum(),
          m.getInstalledOn() == null ? null : m.getInstalledOn().toInstant().toString()));
    }
    return out;
  }

  /**
   * The highest major version known here: in any location (classpath ones included) or applied to the database.
   * The next migration written must be above it, or Flyway finds two of one version.
   */
  public java.math.BigInteger highestVersion() {
    java.math.BigInteger highest = java.math.BigInteger.ZERO;
    for (MigrationInfo m : flyway().info().all()) {
      if (m.getVersion() != null) {
        String major = m.getVersion().getVersion().split("\\.")[0];
        if (major.matches("\\d+")) {
          highest = highest.max(new java.math.BigInteger(major));
        }
      }
    }
    return highest;
  }

  private static String state(MigrationState s) {
    return s.getDisplayName().toLowerCase();
  }

  public List<Pending> pending() {
    List<Pending> out = new ArrayList<>();
    if (needsBaseline()) {
      throw new org.flywaydb.core.api.FlywayException(url.redacted() + " has tables but no migration history: adopt it"
          + " with `ferry migrate --baseline <version it is at>` (migrations up to that version are then taken as"
          + " applied), then migrate");
    }
    for (MigrationInfo m : flyway().info().pending()) {
      String sql = read(m);
      out.add(new Pending(m.getVersion() == null ? "(repeatable)" : m.getVersion().getVersion(), m.getDescription(),
          m.getScript(), sql, MigrationLint.check(sql)));
    }
    return out;
  }

  /** Flyway refuses to migrate a non-empty schema without history; say so before it does, and how to fix it. */
  private boolean needsBaseline() {
    try (Connection c = connect(); Statement st = c.createStatement();
         var rs = st.executeQuery("SELECT to_regclass('flyway_schema_history') IS NULL AND EXISTS (SELECT 1 FROM pg_class k"
             + " JOIN pg_namespace n ON n.oid = k.relnamespace WHERE n.nspname = current_schema() AND k.relkind IN ('r', 'p'))")) {
      rs.next();
      return rs.getBoolean(1);
    } catch (SQLException e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  /** Checksums and names of applied migrations against the files; pending ones are not an error here. */
  public List<String> validate() {
    var cfg = Flyway.configure().configuration(flyway().getConfiguration()).ignoreMigrationPatterns("*:pending");
    ValidateResult r = cfg.load().validateWithResult();
    return r.validationSuccessful ? List.of() : r.invalidMigrations.stream()
        .map(e -> (e.version == null ? e.filepath : "version " + e.version) + ": " + e.errorDetails.errorMessage).toList();
  }

  /** Applies pending migrations; returns the versions applied. */
  public List<String> migrate(Consumer<String> waiting) {
    return locked(waiting, () -> {
      var result = flyway().migrate();
      List<String> applied = result.migrations.stream().map(m -> m.version + " " + m.description).toList();
      for (var m : result.migrations) {
        log("migrate", m.version, m.description, m.filepath, m.executionTime + " ms");
      }
      return applied;
    });
  }

  public String baseline(String version, Consumer<String> waiting) {
    return locked(waiting, () -> {
      var cfg = Flyway.configure().configuration(flyway().getConfiguration()).baselineVersion(version)
          .baselineDescription("ferry baseline");
      var r = cfg.load().baseline();
      log("baseline", version, "ferry baseline", null, r.successfullyBaselined ? "baselined" : "not baselined");
      return r.successfullyBaselined ? "baselined at version " + version
          : "not baselined: the database already has a migration history";
    });
  }

  public List<String> repair(Consumer<String> waiting) {
    return locked(waiting, () -> {
      var r = flyway().repair();
      List<String> done = new ArrayList<>();
      r.migrationsRemoved.forEach(m -> done.add("removed failed entry " + m.version + " " + m.description));
      r.migrationsAligned.forEach(m -> done.add("realigned checksum of " + m.version + " " + m.description));
      r.migrationsDeleted.forEach(m -> done.add("marked missing " + m.version + " " + m.description + " as deleted"));
      log("repair", null, null, null, done.isEmpty() ? "nothing to repair" : String.join("; ", done));
      return done;
    });
  }

  /** One undo to run: the version it takes back and its paired script. */
  public record Undo(String version, String description, Path script, String sql) {}

  /**
   * The undos {@code --undo version} would run, newest first, down to and including {@code version}; every
   * paired {@code U<version>__…sql} must exist. Runs nothing.
   */
  public List<Undo> undoPlan(String version) {
    MigrationVersion target = MigrationVersion.fromVersion(version);
    List<MigrationInfo> applied = Arrays.stream(flyway().info().applied())
        .filter(m -> m.getVersion() != null && m.getState().isApplied() && m.getType() != null
            && !m.getType().isBaseline() && m.getVersion().compareTo(target) >= 0)
        .sorted(Comparator.comparing(MigrationInfo::getVersion).reversed())
        .toList();
    if (applied.stream().noneMatch(m -> m.getVersion().equals(target))) {
      throw new ConfigException("--undo", "version " + version + " is not applied on " + url.redacted());
    }
    List<Undo> out = new ArrayList<>();
    for (MigrationInfo m : applied) {
      Path script = undoScript(m.getVersion()).orElseThrow(() -> new ConfigException("--undo", "no undo script U"
          + m.getVersion().getVersion() + "__*.sql for version " + m.getVersion().getVersion() + " in " + locations
          + "; nothing was undone"));
      try {
        out.add(new Undo(m.getVersion().getVersion(), m.getDescription(), script, Files.readString(script)));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  /**
   * Runs the planned undos in order, each in one transaction that also removes its version from Flyway's
   * history, under the migrate lock; stops at the first that fails (it rolls back).
   */
  public List<String> undo(List<Undo> plan, Consumer<String> waiting) {
    return locked(waiting, () -> {
      List<String> done = new ArrayList<>();
      try (Connection c = connect()) {
        c.setAutoCommit(false);
        for (Undo u : plan) {
          try (Statement st = c.createStatement();
               PreparedStatement del = c.prepareStatement("DELETE FROM flyway_schema_history WHERE version = ?")) {
            st.execute(u.sql());
            del.setString(1, u.version());
            if (del.executeUpdate() == 0) {
              throw new SQLException("version " + u.version() + " is no longer applied (another undo got there first)");
            }
            c.commit();
          } catch (SQLException e) {
            c.rollback();
            throw new IllegalStateException("undo of version " + u.version() + " failed and was rolled back ("
                + done.size() + " undone before it): " + e.getMessage(), e);
          }
          done.add(u.version() + " " + u.description());
          log("undo", u.version(), u.description(), u.script().getFileName().toString(), null);
        }
      }
      return done;
    });
  }

  private Optional<Path> undoScript(MigrationVersion version) {
    for (Path dir : folders()) {
      try (Stream<Path> files = Files.list(dir)) {
        Optional<Path> found = files.filter(p -> {
          String name = p.getFileName().toString();
          int sep = name.indexOf("__");
          return name.startsWith("U") && name.endsWith(".sql") && sep > 1
              && MigrationVersion.fromVersion(name.substring(1, sep).replace('_', '.')).equals(version);
        }).findFirst();
        if (found.isPresent()) {
          return found;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return Optional.empty();
  }

  /** False when the locations hold no migration at all (every filesystem folder missing or without .sql files). */
  public boolean hasAny() {
    if (locations.stream().anyMatch(l -> l.startsWith("classpath:"))) {
      return true;
    }
    for (Path dir : folders()) {
      try (Stream<Path> files = Files.list(dir)) {
        if (files.anyMatch(p -> p.getFileName().toString().endsWith(".sql"))) {
          return true;
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return false;
  }

  /** A misnamed file would be skipped without a word: refuse instead. */
  private void checkNames() {
    for (Path dir : folders()) {
      try (Stream<Path> files = Files.list(dir)) {
        List<String> bad = files.map(p -> p.getFileName().toString())
            .filter(n -> n.endsWith(".sql") && !n.matches("([VU]\\d+([._]\\d+)*|R)__.+\\.sql")).sorted().toList();
        if (!bad.isEmpty()) {
          throw new ConfigException("migrations.locations", "cannot tell what these files in " + dir + " are: " + bad
              + " (name them V<version>__<description>.sql, U<version>__<description>.sql for undo, or R__<description>.sql)");
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private List<Path> folders() {
    return locations.stream().filter(l -> l.startsWith("filesystem:"))
        .map(l -> Path.of(l.substring("filesystem:".length()))).filter(Files::isDirectory).toList();
  }

  private String read(MigrationInfo m) {
    try {
      String physical = m.getPhysicalLocation();
      if (physical != null && !physical.isEmpty() && Files.isReadable(Path.of(physical))) {
        return Files.readString(Path.of(physical));
      }
      for (String l : locations) {
        if (l.startsWith("classpath:")) {
          String resource = l.substring("classpath:".length()).replaceAll("^/|/$", "") + "/" + m.getScript();
          try (InputStream in = Migrations.class.getClassLoader().getResourceAsStream(resource)) {
            if (in != null) {
              return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
          }
        }
      }
      return "";
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JDBC connection; failing to get one is a {@link DatabaseException} that says why, in one line. */
  private Connection connect() {
    try {
      return DriverManager.getConnection(url.jdbcUrl(), url.jdbcProperties());
    } catch (SQLException e) {
      throw new DatabaseException(ConnectionErrors.describe(what, url, e, Optional.empty()), e);
    }
  }

  /**
   * Connects once before Flyway does: Flyway reports a connection failure (a TLS one too) as a many-line dump of
   * the driver's error, where {@link #connect()} says what is wrong.
   */
  private void checkReachable() {
    if (!reachable) {
      try (Connection c = connect()) {
        reachable = true;
      } catch (SQLException closing) {
        reachable = true; // it connected, which is all this checks
      }
    }
  }

  /**
   * Runs {@code work} holding Ferry's migrate lock on this database, so that a second {@code ferry migrate}
   * waits for the first (and then finds nothing left to do) instead of racing it.
   */
  private <T> T locked(Consumer<String> waiting, Callable<T> work) {
    try (Connection lock = connect(); Statement st = lock.createStatement()) {
      // Polled, not waited for in pg_advisory_lock: a session blocked in a statement is an open transaction, and
      // the other side's CREATE INDEX CONCURRENTLY would wait for it forever.
      long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
      boolean told = false;
      while (!tryLock(st)) {
        if (!told) {
          waiting.accept("another ferry migrate is running on " + url.redacted() + "; waiting for it to finish");
          told = true;
        }
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("another ferry migrate held the lock on " + url.redacted() + " for more than "
              + LOCK_WAIT.toMinutes() + " minutes; nothing was run");
        }
        Thread.sleep(500);
      }
      ControlSchema.migrate(url); // the ferry schema, for ferry.migration_log
      try {
        return work.call();
      } finally {
        st.execute("SELECT pg_advisory_unlock(" + LOCK_KEY + ")");
      }
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e.getMessage(), e);
    }
  }

  private static boolean tryLock(Statement st) throws SQLException {
    try (var rs = st.executeQuery("SELECT pg_try_advisory_lock(" + LOCK_KEY + ")")) {
      rs.next();
      return rs.getBoolean(1);
    }
  }

  private void log(String action, String version, String description, String script, String detail) {
    try (Connection c = connect()) {
      MigrationLog.record(c, new MigrationLog.Entry(action, version, description, script, detail));
    } catch (SQLException e) {
      throw new IllegalStateException("could not record the " + action + " in ferry.migration_log: " + e.getMessage(), e);
    }
  }
}
