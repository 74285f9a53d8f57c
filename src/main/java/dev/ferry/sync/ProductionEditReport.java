package dev.ferry.sync;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableName;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Production's changes in words, row by row: the key, what happened, and for an edit the columns that differ with
 * production's value and the source's. Reads just those rows, by key, from both sides.
 */
final class ProductionEditReport {
  /** Rows listed in full; the rest are counted. */
  static final int SHOWN = 10;
  private static final int VALUE_CHARS = 40;

  private ProductionEditReport() {}

  static Future<String> describe(TableRun run, List<RowDifference> rows) {
    if (rows.isEmpty()) {
      return Future.succeededFuture("");
    }
    List<RowDifference> shown = rows.subList(0, Math.min(SHOWN, rows.size()));
    List<String[]> keys = shown.stream().map(RowDifference::key).toList();
    int k = run.plan.key();
    Future<Map<String, String[]>> source = run.ctx.snapshot.read(c -> c.preparedQuery(
        run.sql().reads().selectSourceByKeys()).execute(TableCopier.columnsOf(keys, k))).map(rs -> byKey(rs, k));
    Future<Map<String, String[]>> target = run.ctx.target.pool().preparedQuery(run.sql().reads().selectTargetByKeys())
        .execute(TableCopier.columnsOf(keys, k)).map(rs -> byKey(rs, k));
    return Future.all(source, target).map(v -> {
      List<String> lines = new ArrayList<>();
      for (RowDifference d : shown) {
        String id = String.join("\u0000", d.key());
        lines.add("  " + keyText(run, d.key()) + ": " + what(run, d, source.result().get(id), target.result().get(id)));
      }
      if (rows.size() > shown.size()) {
        lines.add("  … and " + (rows.size() - shown.size()) + " more");
      }
      return String.join("\n", lines);
    });
  }

  /** Rows (written columns as text, key first) by their key. */
  private static Map<String, String[]> byKey(RowSet<Row> rs, int k) {
    Map<String, String[]> out = new HashMap<>();
    for (Row r : rs) {
      String[] values = new String[r.size()];
      for (int i = 0; i < values.length; i++) {
        values[i] = r.getString(i);
      }
      out.put(String.join("\u0000", RangeDiff.key(r, k)), values);
    }
    return out;
  }

  /** A row's key as {@code column=value}, or {@code (a=1, b=2)} for several columns. */
  static String keyText(TableRun run, String[] key) {
    List<Column> cols = run.plan.keyColumns();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < key.length; i++) {
      parts.add(cols.get(i).name() + "=" + key[i]);
    }
    return parts.size() == 1 ? parts.get(0) : "(" + String.join(", ", parts) + ")";
  }

  private static String what(TableRun run, RowDifference d, String[] source, String[] target) {
    return switch (d.kind()) {
      case PRODUCTION_INSERT -> "added on production";
      case PRODUCTION_DELETE -> "deleted on production (the source still has it, unchanged)";
      case PRODUCTION_EDIT -> "edited on production: " + columns(run, source, target);
      case CONFLICT -> "changed on both sides: " + columns(run, source, target);
      case PRODUCTION_KEPT -> "production's version, kept by an earlier run";
      case LOCAL -> "changed on the source";
    };
  }

  /** The columns whose text differs: production's value, then the source's (remapped ids compared as mapped). */
  private static String columns(TableRun run, String[] source, String[] target) {
    if (source == null || target == null) {
      return "(the row changed again since it was compared)";
    }
    List<Column> cols = run.plan.columns();
    List<String> out = new ArrayList<>();
    for (int i = 0; i < cols.size(); i++) {
      String s = source[i];
      TableName parent = run.plan.mapped().get(cols.get(i).name());
      if (parent != null && s != null && run.ctx.idMaps.get(parent) != null) {
        s = run.ctx.idMaps.get(parent).target(s);
      }
      if (!Objects.equals(s, target[i])) {
        out.add(cols.get(i).name() + " " + quote(target[i]) + " (source: " + quote(s) + ")");
      }
    }
    return out.isEmpty() ? "(no column differs as text now)" : String.join(", ", out);
  }

  private static String quote(String v) {
    if (v == null) {
      return "NULL";
    }
    return "'" + (v.length() > VALUE_CHARS ? v.substring(0, VALUE_CHARS) + "…" : v) + "'";
  }
}
