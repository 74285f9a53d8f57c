package dev.ferry.sync;

import dev.ferry.catalog.Catalog;
import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** Phase 1: the selected tables' columns compared across the two databases. */
final class SchemaCheck {

  /** Tables absent from the target, and per-table lists of column differences. */
  record Report(List<TableName> missing, Map<TableName, List<String>> mismatches) {
    boolean clean() {
      return missing.isEmpty() && mismatches.isEmpty();
    }

    List<String> lines() {
      List<String> out = new ArrayList<>();
      if (!missing.isEmpty()) {
        out.add("missing on the target: " + missing.stream().map(TableName::display).toList()
            + " — run your migrations on the target first (the tables must exist before data can be synced)");
      }
      mismatches.forEach((t, diffs) -> diffs.forEach(d -> out.add(t.display() + ": " + d)));
      return out;
    }
  }

  private SchemaCheck() {}

  static Report compare(List<TableInfo> selected, Catalog target) {
    List<TableName> missing = new ArrayList<>();
    Map<TableName, List<String>> mismatches = new LinkedHashMap<>();
    for (TableInfo src : selected) {
      Optional<TableInfo> tgt = target.table(src.name());
      if (tgt.isEmpty()) {
        missing.add(src.name());
        continue;
      }
      List<String> diffs = columnDiffs(src, tgt.get());
      if (!diffs.isEmpty()) {
        mismatches.put(src.name(), diffs);
      }
    }
    return new Report(missing, mismatches);
  }

  private static List<String> columnDiffs(TableInfo src, TableInfo tgt) {
    List<String> diffs = new ArrayList<>();
    for (Column s : src.columns()) {
      Optional<Column> t = tgt.column(s.name());
      if (t.isEmpty()) {
        diffs.add("column " + s.name() + " (" + s.type() + ") is missing on the target");
        continue;
      }
      Column c = t.get();
      if (!s.type().equals(c.type())) {
        diffs.add("column " + s.name() + " is " + s.type() + " on the source but " + c.type() + " on the target");
      }
      if (s.notNull() != c.notNull()) {
        diffs.add("column " + s.name() + " is " + (s.notNull() ? "NOT NULL" : "nullable") + " on the source but "
            + (c.notNull() ? "NOT NULL" : "nullable") + " on the target");
      }
      if (!Objects.equals(s.defaultExpr(), c.defaultExpr()) && !s.generated()) {
        diffs.add("column " + s.name() + " defaults to " + orNone(s.defaultExpr()) + " on the source but "
            + orNone(c.defaultExpr()) + " on the target");
      }
      if (s.generated() != c.generated()) {
        diffs.add("column " + s.name() + " is " + (s.generated() ? "" : "not ") + "generated on the source but "
            + (c.generated() ? "" : "not ") + "on the target");
      }
    }
    for (Column c : tgt.columns()) {
      if (src.column(c.name()).isEmpty()) {
        diffs.add("column " + c.name() + " (" + c.type() + ") exists only on the target");
      }
    }
    return diffs;
  }

  private static String orNone(String expr) {
    return expr == null ? "no default" : expr;
  }
}
