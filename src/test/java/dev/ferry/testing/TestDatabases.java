package dev.ferry.testing;

import dev.ferry.config.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * Real PostgreSQL for tests: the server named by FERRY_TEST_DATABASE_URL (or the bundled one if it says
 * {@code embedded}), else a Testcontainers PostgreSQL when Docker is available, else the local server at
 * 127.0.0.1:5432 if it answers, else the PostgreSQL bundled with Ferry. Each test creates its own databases with
 * unique names and drops them afterwards.
 */
public final class TestDatabases implements AutoCloseable {
  private static final String LOCAL = "postgresql://postgres@127.0.0.1:5432/postgres?sslmode=disable";

  private final Vertx vertx;
  private final DatabaseUrl server;
  private final List<DatabaseUrl> created = new ArrayList<>();

  public TestDatabases(Vertx vertx) {
    this.vertx = vertx;
    this.server = DatabaseUrl.parse(serverUrl(), "FERRY_TEST_DATABASE_URL");
  }

  private static String serverUrl;

  /** Decided once per test run: probing Docker and the local port for every test would add seconds. */
  public static synchronized String serverUrl() {
    if (serverUrl == null) {
      serverUrl = chooseServer();
    }
    return serverUrl;
  }

  private static String chooseServer() {
    String explicit = System.getenv("FERRY_TEST_DATABASE_URL");
    if (explicit != null && !explicit.isBlank()) {
      return explicit.equals("embedded") ? EmbeddedServer.url() : explicit;
    }
    return ContainerServer.urlIfDockerAvailable().orElseGet(() -> localAnswers() ? LOCAL : EmbeddedServer.url());
  }

  private static boolean localAnswers() {
    try (java.net.Socket socket = new java.net.Socket()) {
      socket.connect(new java.net.InetSocketAddress("127.0.0.1", 5432), 2000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public DatabaseUrl server() {
    return server;
  }

  /** A new, empty database; dropped by {@link #close()}. */
  public DatabaseUrl create(String label) {
    String name = "ferry_t_" + label + "_" + UUID.randomUUID().toString().substring(0, 8);
    onServer("CREATE DATABASE " + name);
    DatabaseUrl url = server.withDatabase(name);
    created.add(url);
    return url;
  }

  public void onServer(String sql) {
    execute(server, sql);
  }

  /** Runs a (multi-statement) script with the simple protocol, as psql -c would. */
  public RowSet<Row> execute(DatabaseUrl db, String sql) {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(1)).connectingTo(db.connectOptions()).using(vertx).build();
    try {
      return await(pool.query(sql).execute());
    } finally {
      await(pool.close());
    }
  }

  /**
   * The demo's rescue-dog schema on both, generated data (scale 0.01) on the source, and a target whose
   * organization ids start at 1001, so they differ from the source's.
   */
  public void loadRescueDogs(DatabaseUrl source, DatabaseUrl target) {
    String schema = read("sql/demo/migrations/V1__rescue_dog_schema.sql");
    execute(source, schema);
    execute(source, "SET ferry.scale = '0.01';\n" + read("sql/demo/data.sql"));
    execute(target, schema + ";\nALTER SEQUENCE organizations_id_seq RESTART WITH 1001;");
  }

  public long count(DatabaseUrl db, String sql) {
    return execute(db, sql).iterator().next().getLong(0);
  }

  /**
   * Sessions Ferry has open (application_name ferry) on the given databases, seen from the server's maintenance
   * database so that the asking session is not among them.
   */
  public long ferrySessions(DatabaseUrl... dbs) {
    String names = java.util.Arrays.stream(dbs).map(d -> "'" + d.database().replace("'", "''") + "'")
        .collect(java.util.stream.Collectors.joining(", "));
    return count(server(), "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'ferry'"
        + " AND datname IN (" + names + ")");
  }

  /** Polls {@code condition} every 20 ms for up to {@code millis}; fails with {@code what} if it never holds. */
  public static void waitFor(java.util.function.BooleanSupplier condition, long millis, String what) {
    long deadline = System.nanoTime() + millis * 1_000_000;
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not within " + millis + " ms: " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  public String text(DatabaseUrl db, String sql) {
    return execute(db, sql).iterator().next().getString(0);
  }

  public void runScript(DatabaseUrl db, String resourceOrPath) {
    execute(db, read(resourceOrPath));
  }

  public static String read(String resourceOrPath) {
    try (InputStream in = TestDatabases.class.getResourceAsStream("/" + resourceOrPath)) {
      if (in != null) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
      }
      return Files.readString(Path.of(resourceOrPath));
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + resourceOrPath, e);
    }
  }

  /**
   * A digest of every table's full contents, independent of row order: equal digests mean equal data. Used to
   * prove a dry run left the target byte-for-byte unchanged.
   */
  public String contentDigest(DatabaseUrl db) {
    String sql = """
        SELECT coalesce(string_agg(t, ',' ORDER BY t), '') FROM (
          SELECT format('%s=%s', c.oid::regclass, (xpath('/row/d/text()', query_to_xml(format(
            'SELECT coalesce(sum((''x'' || left(md5(x::text), 15))::bit(60)::bigint), 0) || ''/'' || count(*) AS d FROM %s x',
            c.oid::regclass), false, true, '')))[1]::text) AS t
          FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('ferry', 'ferry_backup') AND c.relname <> 'flyway_schema_history'
            AND NOT c.relispartition) s""";
    return text(db, sql);
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(300, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    for (DatabaseUrl db : created) {
      onServer("DROP DATABASE IF EXISTS " + db.database() + " WITH (FORCE)");
    }
    created.clear();
  }
}
