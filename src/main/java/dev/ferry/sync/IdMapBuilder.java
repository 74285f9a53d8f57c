package dev.ferry.sync;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableName;
import dev.ferry.plan.TablePlan;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Phase 4: source id → target id for a natural-key table, from two bulk reads joined on the natural key. */
final class IdMapBuilder {
  private IdMapBuilder() {}

  static Future<IdMap> build(RunContext ctx, TablePlan plan, SqlClient target) {
    String sql = "SELECT " + TableName.quote(plan.idColumn()) + "::text, "
        + plan.keyColumns().stream().map(c -> c.sql() + "::text").collect(Collectors.joining(", "))
        + " FROM ";
    Future<Map<String, String>> targetIds = target.query(sql + plan.target().fromSql()).execute().map(rs -> {
      Map<String, String> byKey = new HashMap<>();
      for (Row r : rs) {
        byKey.put(naturalKey(ctx, plan, r, false), r.getString(0));
      }
      return byKey;
    });
    return targetIds.compose(byKey -> ctx.snapshot.read(src -> src.query(sql + plan.sourceRelation() + " t").execute())
        .map(rs -> {
          IdMap map = ctx.idMaps.computeIfAbsent(plan.name(), n -> new IdMap());
          map.clear();
          for (Row r : rs) {
            String targetId = byKey.get(naturalKey(ctx, plan, r, true));
            if (targetId != null) {
              map.put(r.getString(0), targetId);
            }
          }
          return map;
        }));
  }

  /** The natural key as one string; on the source side, remapped key columns are first put in target ids. */
  private static String naturalKey(RunContext ctx, TablePlan plan, Row r, boolean sourceSide) {
    List<Column> keys = plan.keyColumns();
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < keys.size(); i++) {
      String v = r.getString(i + 1);
      TableName parent = plan.mapped().get(keys.get(i).name());
      if (sourceSide && parent != null && v != null) {
        IdMap parentMap = ctx.idMaps.get(parent);
        v = parentMap == null ? null : parentMap.target(v);
      }
      sb.append(v).append('\u0000');
    }
    return sb.toString();
  }
}
