package dev.ferry.db;

import dev.ferry.config.DatabaseUrl;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.SqlConnection;
import java.net.ConnectException;
import java.net.UnknownHostException;
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

  private Database(Side side, DatabaseUrl url, IntFunction<Pool> pools, int poolSize) {
    this.side = side;
    this.url = url;
    this.pools = pools;
    this.pool = pools.apply(poolSize);
  }

  /**
   * @param engineSession true for the sync engine's sessions: search_path is pinned to pg_catalog so that type
   *                      names and expressions print fully qualified, the same way on both servers
   */
  public static Database open(Vertx vertx, Side side, DatabaseUrl url, int poolSize, int connectTimeoutSeconds,
      boolean engineSession) {
    PgConnectOptions options = url.connectOptions();
    if (engineSession) {
      options.addProperty("search_path", "pg_catalog");
    }
    int timeout = url.connectTimeoutSeconds() != null ? url.connectTimeoutSeconds() : connectTimeoutSeconds;
    return new Database(side, url, size -> PgBuilder.pool()
        .with(new PoolOptions().setName("ferry-" + side.label()).setMaxSize(size).setConnectionTimeout(timeout + 5)
            .setConnectionTimeoutUnit(TimeUnit.SECONDS))
        .with(new NetClientOptions().setConnectTimeout(timeout * 1000))
        .connectingTo(options)
        .using(vertx)
        .build(), poolSize);
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
    return pool.close();
  }

  /** Turns a driver error into a message that says what is wrong with which database, without the password. */
  public DatabaseException describe(Throwable err) {
    if (err instanceof DatabaseException de) {
      return de;
    }
    String where = side.label() + " database " + url.redacted();
    String message;
    Throwable root = rootCause(err);
    if (root instanceof PgException pg) {
      message = switch (pg.getSqlState() == null ? "" : pg.getSqlState()) {
        case "28P01", "28000" -> "authentication failed for user '" + url.user() + "' on the " + where
            + " (check the user and password in the URL)";
        case "3D000" -> "database '" + url.database() + "' does not exist on the " + where;
        case "53300" -> "the " + where + " has too many connections (" + pg.getErrorMessage() + ")";
        case "57P03" -> "the " + where + " is starting up or shutting down";
        default -> "the " + where + " said: " + pg.getErrorMessage() + " (SQLSTATE " + pg.getSqlState() + ")";
      };
    } else if (root instanceof UnknownHostException) {
      message = "unknown host '" + url.host() + "' for the " + where;
    } else if (root instanceof ConnectException) {
      message = "cannot connect to the " + where + ": " + scrub(root.getMessage())
          + " (is the server running and reachable?)";
    } else if (root != null && root.getClass().getName().contains("Timeout")) {
      message = "timed out connecting to the " + where;
    } else if (root instanceof javax.net.ssl.SSLException || (root != null && root.getClass().getName().contains("SSL"))) {
      message = "TLS failed with the " + where + ": " + scrub(root.getMessage());
    } else {
      message = "cannot use the " + where + ": " + scrub(root == null ? String.valueOf(err) : String.valueOf(root.getMessage()));
    }
    return new DatabaseException(message, err);
  }

  private String scrub(String text) {
    return Secrets.scrub(text, url);
  }

  private static Throwable rootCause(Throwable t) {
    Throwable cur = t;
    while (cur != null && cur.getCause() != null && cur.getCause() != cur && !(cur instanceof PgException)) {
      cur = cur.getCause();
    }
    return cur;
  }
}
