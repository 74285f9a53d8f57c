package dev.ferry.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlConnection;

/** What test-connection reports about a server. */
public record ServerInfo(String version, boolean tls, String tlsVersion, double roundTripMs, String database,
    String user) {

  private static final String PROBE = """
      SELECT current_setting('server_version') AS version, current_database() AS db, current_user AS usr,
             coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false) AS tls,
             (SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()) AS tls_version""";

  /** Probes over an open connection; the round trip is the best of five SELECT 1. */
  public static Future<ServerInfo> probe(SqlConnection conn) {
    return conn.query(PROBE).execute().compose(rs -> {
      Row r = rs.iterator().next();
      return bestRoundTrip(conn, 5, Double.MAX_VALUE).map(rtt -> new ServerInfo(r.getString("version"),
          r.getBoolean("tls"), r.getString("tls_version"), rtt, r.getString("db"), r.getString("usr")));
    });
  }

  private static Future<Double> bestRoundTrip(SqlConnection conn, int left, double best) {
    if (left == 0) {
      return Future.succeededFuture(best);
    }
    long start = System.nanoTime();
    return conn.query("SELECT 1").execute()
        .compose(rs -> bestRoundTrip(conn, left - 1, Math.min(best, (System.nanoTime() - start) / 1e6)));
  }
}
