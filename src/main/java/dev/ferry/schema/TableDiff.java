package dev.ferry.schema;

import dev.ferry.schema.Change.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Tables, their columns, constraints and indexes: the part of {@link SchemaDiff} that works table by table. */
final class TableDiff {
  private static final Pattern VARCHAR = Pattern.compile("character varying\\((\\d+)\\)");

  private final List<Change> changes;

  /** @param changes where the differences found are added (the whole diff's list) */
  TableDiff(List<Change> changes) {
    this.changes = changes;
  }

  private void add(Step step, String object, String description, String sql, boolean destructive) {
    changes.add(new Change(step, object, description, sql, destructive));
  }

  void tables(DbSchema s, DbSchema t) {
    // Partitioned and inherited parents before their partitions and children.
    List<DbSchema.Table> ordered = new ArrayList<>(s.tables().values());
    ordered.sort(Comparator.comparing(x -> x.partitionOf() != null || x.inherits() != null));
    ordered.forEach(table -> {
      String name = table.name();
      DbSchema.Table have = t.tables().get(name);
      if (have == null) {
        add(Step.TABLE, name, "table only on the source", createTable(table), false);
        constraintsAndIndexes(table, null);
      } else {
        if (!Objects.equals(table.inherits(), have.inherits())) {
          add(Step.TABLE, name, "inherits " + SchemaDiff.orNone(table.inherits()) + " on the source, " + SchemaDiff.orNone(have.inherits())
              + " on the target: change it by hand (ALTER TABLE … INHERIT / NO INHERIT)", null, false);
        }
        columnChanges(table, have);
        constraintsAndIndexes(table, have);
      }
    });
    t.tables().forEach((name, table) -> {
      if (!s.tables().containsKey(name)) {
        add(Step.DROP_TABLE, name, "table only on the target", "DROP TABLE " + name, true);
        // Its foreign keys go first: other tables' keys into it would block the drop.
        table.constraints().values().stream().filter(DbSchema.Constraint::foreignKey).forEach(k ->
            add(Step.DROP_FOREIGN_KEY, name + "." + k.name(), "foreign key of a table only on the target",
                "ALTER TABLE " + name + " DROP CONSTRAINT " + k.name(), true));
      }
    });
  }

  /** Columns inline; constraints and indexes follow in their own steps (foreign keys after every table exists). */
  private static String createTable(DbSchema.Table t) {
    if (t.partitionOf() != null) {
      return "CREATE TABLE " + t.name() + " PARTITION OF " + t.partitionOf() + " " + t.bound();
    }
    // An inheriting table lists its inherited columns too: CREATE TABLE merges them with the parent's.
    return "CREATE TABLE " + t.name() + " (\n  "
        + t.columns().values().stream().map(TableDiff::columnSql).collect(Collectors.joining(",\n  "))
        + "\n)" + (t.inherits() != null ? " INHERITS (" + t.inherits() + ")" : "")
        + (t.partitionBy() != null ? " PARTITION BY " + t.partitionBy() : "");
  }

  private static String columnSql(DbSchema.Column c) {
    StringBuilder sb = new StringBuilder(c.name()).append(' ').append(c.typeSql());
    if (c.generated() != null) {
      sb.append(" GENERATED ALWAYS AS (").append(c.generated()).append(") STORED");
    } else if ("a".equals(c.identity()) || "d".equals(c.identity())) {
      sb.append(" GENERATED ").append("a".equals(c.identity()) ? "ALWAYS" : "BY DEFAULT").append(" AS IDENTITY");
    } else if (c.defaultExpr() != null) {
      sb.append(" DEFAULT ").append(c.defaultExpr());
    }
    if (c.notNull()) {
      sb.append(" NOT NULL");
    }
    return sb.toString();
  }

  static List<Change> columns(DbSchema.Table source, DbSchema.Table target) {
    TableDiff d = new TableDiff(new ArrayList<>());
    d.columnChanges(source, target);
    return d.changes;
  }

  private void columnChanges(DbSchema.Table src, DbSchema.Table tgt) {
    String t = src.name();
    for (DbSchema.Column c : src.columns().values()) {
      DbSchema.Column have = tgt.columns().get(c.name());
      String object = t + "." + c.name();
      if (have == null) {
        boolean rewrites = c.notNull() && c.defaultExpr() == null && c.generated() == null && c.identity().isEmpty();
        add(Step.COLUMN, object, "column only on the source" + (rewrites ? " (NOT NULL without a default: fails"
            + " if the table has rows)" : ""), "ALTER TABLE " + t + " ADD COLUMN " + columnSql(c), false);
        continue;
      }
      if (!Objects.equals(c.generated(), have.generated()) || !c.identity().equals(have.identity())) {
        add(Step.COLUMN, object, "identity or generation differs (" + kind(have) + " on the target, " + kind(c)
            + " on the source): change it by hand", null, true);
        continue;
      }
      if (!c.type().equals(have.type())) {
        boolean safe = widens(have.type(), c.type());
        add(Step.COLUMN, object, "type " + have.type() + " on the target, " + c.type() + " on the source"
                + (safe ? "" : " (rewrites the table, and values may not convert)"),
            "ALTER TABLE " + t + " ALTER COLUMN " + c.name() + " TYPE " + c.typeSql() + (safe ? "" : " USING " + c.name()
                + "::" + c.type()), !safe);
      }
      if (c.type().equals(have.type()) && !Objects.equals(c.collation(), have.collation())) {
        // Stored text stays as it is; the column's indexes are rebuilt.
        add(Step.COLUMN, object, "collation " + SchemaDiff.orNone(have.collation()) + " on the target, " + SchemaDiff.orNone(c.collation())
            + " on the source", "ALTER TABLE " + t + " ALTER COLUMN " + c.name() + " TYPE " + c.typeSql(), false);
      }
      if (!Objects.equals(c.defaultExpr(), have.defaultExpr()) && c.generated() == null) {
        add(Step.COLUMN, object, "default " + SchemaDiff.orNone(have.defaultExpr()) + " on the target, " + SchemaDiff.orNone(c.defaultExpr())
                + " on the source", "ALTER TABLE " + t + " ALTER COLUMN " + c.name()
                + (c.defaultExpr() == null ? " DROP DEFAULT" : " SET DEFAULT " + c.defaultExpr()), false);
      }
      if (c.notNull() != have.notNull()) {
        add(Step.COLUMN, object, c.notNull() ? "NOT NULL on the source only (fails while the target has NULLs; scans the"
                + " table under an exclusive lock)" : "NOT NULL on the target only",
            "ALTER TABLE " + t + " ALTER COLUMN " + c.name() + (c.notNull() ? " SET NOT NULL" : " DROP NOT NULL"), false);
      }
    }
    for (DbSchema.Column have : tgt.columns().values()) {
      if (!src.columns().containsKey(have.name())) {
        add(Step.DROP_COLUMN, t + "." + have.name(), "column only on the target (its data would be lost)",
            "ALTER TABLE " + t + " DROP COLUMN " + have.name(), true);
      }
    }
  }

  private static String kind(DbSchema.Column c) {
    if (c.generated() != null) {
      return "generated as (" + c.generated() + ")";
    }
    return switch (c.identity()) {
      case "a" -> "identity always";
      case "d" -> "identity by default";
      default -> "a plain column";
    };
  }

  /** Type changes PostgreSQL makes without rewriting or losing anything. */
  static boolean widens(String from, String to) {
    Matcher f = VARCHAR.matcher(from);
    if (f.matches()) {
      Matcher t = VARCHAR.matcher(to);
      return to.equals("text") || to.equals("character varying")
          || (t.matches() && Integer.parseInt(t.group(1)) >= Integer.parseInt(f.group(1)));
    }
    return from.equals("character varying") && to.equals("text");
  }

  private void constraintsAndIndexes(DbSchema.Table src, DbSchema.Table tgt) {
    String t = src.name();
    Map<String, DbSchema.Constraint> have = tgt == null ? Map.of() : tgt.constraints();
    for (DbSchema.Constraint k : src.constraints().values()) {
      DbSchema.Constraint h = have.get(k.name());
      Step step = k.foreignKey() ? Step.FOREIGN_KEY : Step.CONSTRAINT;
      String object = t + "." + k.name();
      String addSql = "ALTER TABLE " + t + " ADD CONSTRAINT " + k.name() + " " + k.definition();
      if (h == null) {
        add(step, object, tgt == null ? "constraint of a new table" : "constraint only on the source", addSql, false);
      } else if (!h.definition().equals(k.definition())) {
        add(step, object, "constraint differs: " + h.definition() + " on the target, " + k.definition() + " on the source",
            "ALTER TABLE " + t + " DROP CONSTRAINT " + k.name(), false);
        add(step, object, "re-created as on the source", addSql, false);
      }
    }
    for (DbSchema.Constraint h : have.values()) {
      if (!src.constraints().containsKey(h.name())) {
        add(h.foreignKey() ? Step.DROP_FOREIGN_KEY : Step.DROP_CONSTRAINT, t + "." + h.name(),
            "constraint only on the target: " + h.definition(), "ALTER TABLE " + t + " DROP CONSTRAINT " + h.name(), true);
      }
    }
    Map<String, DbSchema.Index> haveIdx = tgt == null ? Map.of() : tgt.indexes();
    for (DbSchema.Index i : src.indexes().values()) {
      DbSchema.Index h = haveIdx.get(i.name());
      if (h == null) {
        add(Step.INDEX, i.name(), tgt == null ? "index of a new table" : "index only on the source", i.definition(), false);
      } else if (!h.definition().equals(i.definition())) {
        add(Step.INDEX, i.name(), "index differs: " + h.definition() + " on the target", "DROP INDEX " + i.name(), false);
        add(Step.INDEX, i.name(), "re-created as on the source", i.definition(), false);
      }
    }
    for (DbSchema.Index h : haveIdx.values()) {
      if (!src.indexes().containsKey(h.name())) {
        add(Step.DROP_INDEX, h.name(), "index only on the target", "DROP INDEX " + h.name(), true);
      }
    }
  }
}
