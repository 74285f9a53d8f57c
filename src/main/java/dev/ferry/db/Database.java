package dev.ferry.db;

import dev.ferry.config.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgConnection;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;

/**
 * One side of a sync: a connection pool plus the URL it came from. Connections taken from the pool are pipelined,
 * which is what lets several batches be in flight on one connection.
 */
public final class Database {
  private final Side side;
  private final DatabaseUrl url;
  private final Pool pool;
  /** Builds a pool with this database's options and the given size (see {@link #ownConnection()}). */
  private final IntFunction<Pool> pools;
  private final Optional<RememberingTrustManager> certificateCheck;
  /** Every session setting the pool's connections start with, for {@link #jdbc()} to set the same. */
  private final Map<String, String> sessionSettings;
  private final boolean engineSession;
  private final Vertx vertx;
  /** JDBC sessions opened ahead of their use ({@link #openAhead}), each handed out once by {@link #jdbc()}. */
  private final Queue<Ahead> ahead = new ConcurrentLinkedQueue<>();
  /** The reactive sessions this database opened, for {@link #cancelStatements()}; closed ones stay (ignored then). */
  private final Set<PgConnection> sessions;
  private volatile boolean closed;

  private record Ahead(Connection session, long openedAtNanos) {}

  /** Older sessions opened ahead are closed rather than handed out: a server or proxy may have dropped them. */
  private static final long AHEAD_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(30);

  private Database(Vertx vertx, Side side, DatabaseUrl url, IntFunction<Pool> pools, int poolSize,
      Optional<RememberingTrustManager> certificateCheck, Map<String, String> sessionSettings, boolean engineSession,
      Set<PgConnection> sessions) {
    this.vertx = vertx;
    this.side = side;
    this.url = url;
    this.pools = pools;
    this.pool = pools.apply(poolSize);
    this.certificateCheck = certificateCheck;
    this.sessionSettings = sessionSettings;
    this.engineSession = engineSession;
    this.sessions = sessions;
  }

  /**
   * The engine's sessions run without JIT: its batches and hash scans have cost estimates that trigger JIT
   * compilation costing more than it saves (228 ms to compile a 200 ms range read). Set after connecting, and only
   * where the server has JIT, so that older servers still connect: asked with current_setting(…, missing_ok), as
   * pg_settings renders every setting (0.54 ms a session here against 0.04 ms, and ~4 ms in a new backend).
   */
  static final String ENGINE_SETTINGS =
      "SELECT set_config('jit', 'off', false) WHERE current_setting('jit', true) IS NOT NULL";

  /**
   * @param engineSession true for the sync engine's sessions: search_path is pinned to pg_catalog so that type
   *                      names and expressions print fully qualified, the same way on both servers; and
   *                      {@link #ENGINE_SETTINGS} apply
   */
  public static Database open(Vertx vertx, Side side, DatabaseUrl url, int poolSize, int connectTimeoutSeconds,
      boolean engineSession) {
    return open(vertx, side, url, poolSize, connectTimeoutSeconds, engineSession, false, Map.of());
  }

  /**
   * Engine sessions that cannot write: {@code default_transaction_read_only} is set when each connects, so the
   * server itself refuses any write (a pull's production side). {@code settings} are set on each session with
   * {@code set_config}, their values as parameters, never in the SQL text.
   */
  public static Database openReadOnly(Vertx vertx, Side side, DatabaseUrl url, int poolSize, int connectTimeoutSeconds,
      Map<String, String> settings) {
    return open(vertx, side, url, poolSize, connectTimeoutSeconds, true, true, settings);
  }

  private static Database open(Vertx vertx, Side side, DatabaseUrl url, int poolSize, int connectTimeoutSeconds,
      boolean engineSession, boolean readOnly, Map<String, String> settings) {
    PgConnectOptions options = url.connectOptions();
    if (engineSession) {
      options.addProperty("search_path", "pg_catalog");
      // The engine's scans hash or count in functions that compiled code does not speed up, and compiling a query
      // over 3M rows took 0.16 s alone and up to 0.8 s beside the other side's (a no-op's check 3.7 s -> 2.95 s).
      options.addProperty("jit", "off");
      // A claim's per-range check groups up to ~200,000 ranges (50 MB of aggregate states): with the default 4 MB
      // the grouping spilled to disk, 0.35 s of a 2.6 s scan of 3M rows.
      options.addProperty("work_mem", "64MB");
    }
    if (readOnly) {
      options.addProperty("default_transaction_read_only", "on");
    }
    Optional<RememberingTrustManager> certificateCheck = RememberingTrustManager.install(vertx, options);
    int timeout = url.connectTimeoutSeconds() != null ? url.connectTimeoutSeconds() : connectTimeoutSeconds;
    Map<String, String> session = new LinkedHashMap<>(options.getProperties());
    session.remove("client_encoding"); // the JDBC driver insists on its own (UTF8, as here)
    session.putAll(settings);
    Set<PgConnection> sessions = ConcurrentHashMap.newKeySet();
    return new Database(vertx, side, url, size -> PgBuilder.pool()
        .with(new PoolOptions().setName("ferry-" + side.label()).setMaxSize(size).setConnectionTimeout(timeout + 5)
            .setConnectionTimeoutUnit(TimeUnit.SECONDS))
        .with(new NetClientOptions().setConnectTimeout(timeout * 1000))
        .connectingTo(options)
        .withConnectHandler(conn -> {
          if (conn instanceof PgConnection pg) {
            sessions.add(pg);
          }
          (engineSession ? conn.query(ENGINE_SETTINGS).execute().<Void>mapEmpty() : Future.<Void>succeededFuture())
              .compose(v -> settings.isEmpty() ? Future.<Void>succeededFuture() : conn.preparedQuery(
                  "SELECT set_config($1, $2, false)").executeBatch(settings.entrySet().stream()
                      .map(e -> Tuple.of(e.getKey(), e.getValue())).toList()).<Void>mapEmpty())
              .onComplete(ar -> conn.close());
        })
        .using(vertx)
        .build(), poolSize, certificateCheck, Map.copyOf(session), engineSession, sessions);
  }

  /**
   * Asks the server to cancel whatever statement each of this database's sessions is running (PostgreSQL's cancel
   * request, by the session's key: it works through poolers, and as any role). A session running none, or gone,
   * ignores it; a transaction whose statement is cancelled can only roll back.
   */
  public Future<Void> cancelStatements() {
    return Future.join(sessions.stream().map(c -> c.cancelRequest().otherwiseEmpty()).toList()).mapEmpty();
  }

  public Side side() {
    return side;
  }

  public DatabaseUrl url() {
    return url;
  }

  public Pool pool() {
    return pool;
  }

  /** A dedicated connection (the caller closes it), with connection errors made readable. */
  public Future<SqlConnection> connect() {
    return pool.getConnection().recover(err -> Future.failedFuture(describe(err)));
  }

  /**
   * A connection on a pool of its own, for work that may have to be abandoned mid-statement (see
   * {@code StallGuard}): a pooled connection would go back to its pool, stalled statements and all.
   */
  public Future<OwnConnection> ownConnection() {
    Pool own = pools.apply(1);
    return own.getConnection().map(c -> new OwnConnection(own, c))
        .recover(err -> own.close().transform(x -> Future.failedFuture(describe(err))));
  }

  /** See {@link #ownConnection()}; closing it closes its pool, so the connection is never used again. */
  public record OwnConnection(Pool pool, SqlConnection conn) {
    public Future<Void> close() {
      return pool.close();
    }
  }

  public Future<Void> close() {
    closed = true; // a session still connecting ahead closes itself once it sees this
    Future<Void> pooled = pool.close();
    return ahead.isEmpty() ? pooled : Future.join(pooled, vertx.executeBlocking(() -> {
      closeAhead();
      return null;
    }, false)).mapEmpty();
  }

  /**
   * Opens {@code sessions} JDBC sessions now, on worker threads, for {@link #jdbc()} to hand out when asked: a run's
   * first COPY sessions are then there when its tables start instead of connecting first (a new session costs a
   * backend's start and, far from the server, round trips). One that fails to open is left for {@link #jdbc()} to
   * open and report.
   */
  public void openAhead(int sessions) {
    for (int i = 0; i < sessions; i++) {
      vertx.executeBlocking(() -> {
        if (closed) {
          return null;
        }
        ahead.add(new Ahead(connectJdbc(), System.nanoTime()));
        if (closed) {
          closeAhead();
        }
        return null;
      }, false);
    }
  }

  private void closeAhead() {
    for (Ahead a = ahead.poll(); a != null; a = ahead.poll()) {
      closeQuietly(a.session());
    }
  }

  /** Closes a JDBC session nobody used (blocking: worker threads only); a failure to close has nothing to report. */
  public static void closeQuietly(Connection c) {
    try {
      c.close();
    } catch (SQLException ignored) {
      // a session nobody used: nothing to report
    }
  }

  /**
   * A JDBC session with the same settings as the pool's (for COPY, which the reactive client cannot do). Blocking:
   * worker threads only; the caller closes it.
   */
  public Connection jdbc() throws SQLException {
    for (Ahead a = ahead.poll(); a != null; a = ahead.poll()) {
      if (System.nanoTime() - a.openedAtNanos() < AHEAD_MAX_AGE_NANOS) {
        return a.session();
      }
      closeQuietly(a.session());
    }
    return connectJdbc();
  }

  private Connection connectJdbc() throws SQLException {
    Properties props = url.jdbcProperties();
    props.setProperty("socketFactory", ReadAheadSocketFactory.class.getName());
    Connection c = DriverManager.getConnection(url.jdbcUrl(), props);
    // One statement, so one round trip: far from the server each costs.
    StringBuilder sql = new StringBuilder("SELECT 1");
    sessionSettings.forEach((k, v) -> sql.append(", set_config(?, ?, false)"));
    if (engineSession) {
      sql.append(", (").append(ENGINE_SETTINGS).append(")");
    }
    try (PreparedStatement set = c.prepareStatement(sql.toString())) {
      int i = 1;
      for (Map.Entry<String, String> e : sessionSettings.entrySet()) {
        set.setString(i++, e.getKey());
        set.setString(i++, e.getValue());
      }
      set.executeQuery().close();
      return c;
    } catch (SQLException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Turns a driver error into a message that says what is wrong with which database, without the password. */
  public DatabaseException describe(Throwable err) {
    if (err instanceof DatabaseException de) {
      return de;
    }
    return new DatabaseException(ConnectionErrors.describe(side.label() + " database", url, err,
        certificateCheck.flatMap(RememberingTrustManager::lastRejection)), err);
  }
}
