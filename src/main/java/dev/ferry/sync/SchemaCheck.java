package dev.ferry.sync;

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
      if (!changes.isEmpty()) {
        mismatches.put(n, changes.stream().map(c -> "column " + c.object().substring(prefix) + ": " + c.description())
            .toList());
      }
    }
    return new Report(missing, mismatches);
  }
}
