package dev.ferry.db;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableInfo;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.List;

/** After a table is written, its target sequences move up to at least max(column): never backwards. */
public final class Sequences {
  private Sequences() {}

  /** Returns a line per sequence that moved. */
  public static Future<List<String>> advance(SqlClient target, TableInfo table) {
    List<String> moved = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Column c : table.columns()) {
      String sequence = table.sequences().get(c.name());
      if (sequence == null) {
        continue;
      }
      // The sequence name is regclass text from the target's catalog: already quoted by the server.
      String state = "SELECT (SELECT max(" + c.sql() + ")::bigint FROM " + table.fromSql() + ") AS m,"
          + " last_value, is_called FROM " + sequence;
      chain = chain.compose(v -> target.query(state).execute().compose(rs -> {
        Row r = rs.iterator().next();
        Long max = r.getLong("m");
        long last = r.getLong("last_value");
        boolean called = r.getBoolean("is_called");
        if (max == null || max < last || (max == last && called)) {
          return Future.succeededFuture();
        }
        return target.preparedQuery("SELECT setval($1::regclass, $2)").execute(Tuple.of(sequence, max))
            .map(x -> {
              moved.add(sequence + " → " + max);
              return null;
            });
      }));
    }
    return chain.map(v -> moved);
  }
}
