package dev.ferry.testing;

import dev.ferry.catalog.Catalog;
import dev.ferry.catalog.Column;
import dev.ferry.catalog.ForeignKey;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.config.DatabaseUrl;
import dev.ferry.plan.Planner;
import dev.ferry.plan.SyncOptions;
import dev.ferry.plan.TableOrder;
import dev.ferry.plan.TablePlan;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Catalogs and plans built in memory, for tests that need no database. */
public final class CatalogFixtures {
  private static final DatabaseUrl URL = DatabaseUrl.parse("postgresql://u@localhost/x", "test");

  private CatalogFixtures() {}

  public static Column col(String name, boolean notNull) {
    return new Column(name, "integer", notNull, null, null, false, null, true);
  }

  public static TableInfo table(String name, List<Column> columns, List<String> pk, List<List<String>> unique,
      List<ForeignKey> fks) {
    return new TableInfo(new TableName("public", name), false, columns, pk, unique, fks, List.of(), Map.of(), List.of());
  }

  /** {@code table.column} references {@code parent.parentColumn}. */
  public static ForeignKey fk(String table, String column, String parent, String parentColumn) {
    return new ForeignKey(table + "_" + column + "_fkey", new TableName("public", table), List.of(column),
        new TableName("public", parent), List.of(parentColumn), false, true);
  }

  /** What the planner makes of these tables with this {@code tables:} configuration, in plan order. */
  public static List<TablePlan> plan(JsonObject tables, TableInfo... infos) {
    Map<TableName, TableInfo> byName = new LinkedHashMap<>();
    for (TableInfo t : infos) {
      byName.put(t.name(), t);
    }
    Catalog catalog = new Catalog(byName);
    Planner planner = new Planner(TestConfig.of(URL, URL, new JsonObject().put("tables", tables)));
    List<TableInfo> selected = planner.select(catalog, SyncOptions.defaults(), new ArrayList<>());
    return planner.plan(selected, catalog, TableOrder.of(selected));
  }
}
