package dev.ferry.db;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableInfo;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * After a table is written, each sequence its columns draw from (owned, or named by a column default) moves up to
 * at least max(column) and, for copied columns, the source sequence's own position: never backwards. A sequence
 * shared by several tables ends at the largest of all of them, since each table only ever raises it.
 */
public final class Sequences {
  private Sequences() {}

  /** As {@link #advance(SqlClient, TableInfo, Map)} with no source positions (a restore). */
  public static Future<List<String>> advance(SqlClient target, TableInfo table) {
    return advance(target, table, Map.of());
  }

  /**
   * Returns a line per sequence that moved.
   *
   * @param floors column → the last value the source's sequence for it handed out (see {@link #positions})
   */
  public static Future<List<String>> advance(SqlClient target, TableInfo table, Map<String, Long> floors) {
    List<String> moved = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Column c : table.columns()) {
      String sequence = table.sequences().get(c.name());
      if (sequence == null) {
        continue;
      }
      // The sequence name is regclass text from the target's catalog: already quoted by the server.
      String state = "SELECT (SELECT max(" + c.sql() + ")::bigint FROM " + table.fromSql() + ") AS m, "
          + POSITION + " AS p FROM " + sequence;
      Long floor = floors.get(c.name());
      chain = chain.compose(v -> target.query(state).execute().compose(rs -> {
        Row r = rs.iterator().next();
        long wanted = Math.max(r.getLong("m") == null ? Long.MIN_VALUE : r.getLong("m"), floor == null ? Long.MIN_VALUE : floor);
        if (wanted <= r.getLong("p")) {
          return Future.succeededFuture();
        }
        // greatest(): a table written meanwhile may have raised a shared sequence further.
        return target.preparedQuery("SELECT setval($1::regclass, greatest($2, (SELECT " + POSITION + " FROM "
                + sequence + ")))").execute(Tuple.of(sequence, wanted))
            .map(x -> {
              moved.add(sequence + " → " + wanted);
              return null;
            });
      }));
    }
    return chain.map(v -> moved);
  }

  /** The last value a sequence handed out (its start minus one before the first). */
  private static final String POSITION = "CASE WHEN is_called THEN last_value ELSE last_value - 1 END";

  /** Column → the position of the sequence it draws from on this side, for the given columns that have one. */
  public static Future<Map<String, Long>> positions(SqlClient db, TableInfo table, List<String> columns) {
    Map<String, Long> out = new HashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (String column : columns) {
      String sequence = table.sequences().get(column);
      if (sequence != null) {
        chain = chain.compose(v -> db.query("SELECT " + POSITION + " FROM " + sequence).execute()
            .map(rs -> {
              out.put(column, rs.iterator().next().getLong(0));
              return null;
            }));
      }
    }
    return chain.map(v -> out);
  }
}
