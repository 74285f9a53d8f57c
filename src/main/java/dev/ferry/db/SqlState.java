package dev.ferry.db;

import io.vertx.pgclient.PgException;
import java.sql.SQLException;
import java.util.Set;
import org.postgresql.util.PSQLException;

/** The PostgreSQL error codes Ferry acts on (Appendix A of the PostgreSQL manual), named, and the test for one. */
public final class SqlState {
  public static final String UNIQUE_VIOLATION = "23505";
  public static final String LOCK_NOT_AVAILABLE = "55P03";
  public static final String FEATURE_NOT_SUPPORTED = "0A000";
  public static final String INSUFFICIENT_PRIVILEGE = "42501";
  public static final String UNDEFINED_TABLE = "42P01";
  public static final String DEPENDENT_OBJECTS_STILL_EXIST = "2BP01";
  public static final String INVALID_PASSWORD = "28P01";
  public static final String INVALID_AUTHORIZATION = "28000";
  public static final String INVALID_CATALOG_NAME = "3D000";
  public static final String TOO_MANY_CONNECTIONS = "53300";
  public static final String CANNOT_CONNECT_NOW = "57P03";
  public static final String QUERY_CANCELED = "57014";

  /**
   * Worth another try: serialization failure, deadlock, the connection exceptions, an administrator's or a crash's
   * shutdown, a server starting up or out of connection slots.
   */
  public static final Set<String> TRANSIENT = Set.of("40001", "40P01", "08000", "08001", "08003", "08004", "08006",
      "57P01", "57P02", CANNOT_CONNECT_NOW, TOO_MANY_CONNECTIONS);

  private SqlState() {}

  /** Whether {@code err} is the server's error {@code state}. */
  public static boolean is(Throwable err, String state) {
    return state.equals(of(err));
  }

  /** Whether {@code err}, or an error it wraps, is the server's error {@code state}. */
  public static boolean within(Throwable err, String state) {
    for (Throwable t = err; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (is(t, state)) {
        return true;
      }
    }
    return false;
  }

  /** The server's own words for the error (no severity or code around them), else the exception's message. */
  public static String message(Throwable err) {
    if (err instanceof PgException pg) {
      return pg.getErrorMessage();
    }
    if (err instanceof PSQLException p && p.getServerErrorMessage() != null) {
      return p.getServerErrorMessage().getMessage();
    }
    return err.getMessage();
  }

  /** The server's error code, from the reactive client or the JDBC driver (COPY); null for other errors. */
  public static String of(Throwable err) {
    if (err instanceof PgException pg) {
      return pg.getSqlState();
    }
    return err instanceof SQLException sql ? sql.getSQLState() : null;
  }
}
