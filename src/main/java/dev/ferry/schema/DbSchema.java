package dev.ferry.schema;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Everything {@code ferry diff} compares, read from one database's catalog. Names are quoted and schema-qualified
 * ({@code public.animals}, {@code "My Schema"."Odd Table"}), so they can go into DDL as they are.
 */
public record DbSchema(
    Set<String> schemas,
    Map<String, String> extensions,
    Map<String, List<String>> enums,
    Map<String, Domain> domains,
    Map<String, Sequence> sequences,
    Map<String, Table> tables,
    Map<String, View> views) {

  /** @param partitionOf the parent when this is a partition; {@code bound} its FOR VALUES clause */
  public record Table(String schemaName, String tableName, String name, String partitionBy, String partitionOf, String bound, Map<String, Column> columns,
      Map<String, Constraint> constraints, Map<String, Index> indexes) {}

  /** The table with these unquoted names, if any. */
  public java.util.Optional<Table> table(String schema, String name) {
    return tables.values().stream().filter(t -> t.schemaName().equals(schema) && t.tableName().equals(name)).findFirst();
  }

  /** @param identity "" none, "a" ALWAYS, "d" BY DEFAULT; {@code generated} the expression of a stored generated column */
  public record Column(String name, String type, boolean notNull, String defaultExpr, String identity, String generated) {}

  /** @param type p, u, c, x or f, as pg_constraint.contype */
  public record Constraint(String name, String type, String definition) {
    boolean foreignKey() {
      return "f".equals(type);
    }
  }

  public record Index(String name, String definition) {}

  /**
   * @param ownerTable  the table of the serial column owning it (quoted, qualified), or null
   * @param ownerColumn that column (quoted); apart from the table because a quoted name may hold a dot
   */
  public record Sequence(String name, String type, long increment, long min, long max, long cache, boolean cycle,
      String ownerTable, String ownerColumn) {

    /** {@code table.column}, as OWNED BY takes it, or null. */
    public String ownedBy() {
      return ownerTable == null ? null : ownerTable + "." + ownerColumn;
    }
  }

  public record Domain(String name, String baseType, boolean notNull, String defaultExpr, List<String> checks) {}

  /** @param order creation order on its server (views that use views come later) */
  public record View(String name, boolean materialized, String definition, long order) {}
}
