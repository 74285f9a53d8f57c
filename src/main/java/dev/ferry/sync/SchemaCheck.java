package dev.ferry.sync;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.schema.Change;
import dev.ferry.schema.DbSchema;
import dev.ferry.schema.SchemaDiff;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Phase 1: the selected tables' columns compared across the two databases, as {@code ferry diff} compares them. */
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

  static Report compare(List<TableInfo> selected, DbSchema source, DbSchema target) {
    List<TableName> missing = new ArrayList<>();
    Map<TableName, List<String>> mismatches = new LinkedHashMap<>();
    for (TableInfo table : selected) {
      TableName n = table.name();
      Optional<DbSchema.Table> s = source.table(n.schema(), n.name());
      Optional<DbSchema.Table> t = target.table(n.schema(), n.name());
      if (t.isEmpty()) {
        missing.add(n);
        continue;
      }
      List<Change> changes = s.isEmpty() ? List.of() : SchemaDiff.columns(s.get(), t.get());
      int prefix = t.get().name().length() + 1; // a column change's object is <table>.<column>
      List<String> lines = new ArrayList<>(changes.stream()
          .map(c -> "column " + c.object().substring(prefix) + ": " + c.description()).toList());
      for (Column c : table.columns()) {
        typeDrift(c.type(), source, target).ifPresent(d -> lines.add("column " + c.name() + ": " + d));
      }
      if (!lines.isEmpty()) {
        mismatches.put(n, lines);
      }
    }
    return new Report(missing, mismatches);
  }

  /**
   * A composite or range type (or an array of one) defined differently on the two sides: its values cannot read the
   * same there, whatever is copied ({@code (0.01,EUR)} and {@code (0.01,EUR,)}).
   */
  private static Optional<String> typeDrift(String type, DbSchema source, DbSchema target) {
    String base = type.endsWith("[]") ? type.substring(0, type.length() - 2) : type;
    DbSchema.Composite sc = source.composites().get(base);
    if (sc != null && !sc.equals(target.composites().get(base))) {
      DbSchema.Composite tc = target.composites().get(base);
      return Optional.of("type " + base + " is (" + String.join(", ", sc.attributes()) + ") on the source, "
          + (tc == null ? "not a composite type" : "(" + String.join(", ", tc.attributes()) + ")") + " on the target");
    }
    DbSchema.RangeType sr = source.ranges().get(base);
    if (sr != null && !sr.equals(target.ranges().get(base))) {
      return Optional.of("range type " + base + " differs: " + sr.create() + " on the source");
    }
    return Optional.empty();
  }
}
