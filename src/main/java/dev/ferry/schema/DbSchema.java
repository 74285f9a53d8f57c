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
    Map<String, View> views,
    Map<String, Collation> collations,
    Map<String, Composite> composites,
    Map<String, RangeType> ranges,
    Map<String, Routine> routines,
    Map<String, Aggregate> aggregates,
    Map<String, Trigger> triggers,
    Map<String, Rule> rules) {

  /**
   * What {@code ferry diff} does not compare (nor the sync's schema check): said in its report so that "the
   * schemas match" is never read as more than it is.
   */
  public static final String NOT_COMPARED = "row-level security policies, grants and owners, comments, event"
      + " triggers, publications and subscriptions, extended statistics, operators, casts, text search"
      + " configurations, foreign tables and servers, table storage parameters";

  /** @param partitionOf the parent when this is a partition; {@code bound} its FOR VALUES clause */
  /** @param inherits the parents of a table that inherits (INHERITS, not a partition), comma-separated; else null */
  public record Table(String schemaName, String tableName, String name, String partitionBy, String partitionOf,
      String bound, String inherits, Map<String, Column> columns, Map<String, Constraint> constraints,
      Map<String, Index> indexes) {}

  /** The table with these unquoted names, if any. */
  public java.util.Optional<Table> table(String schema, String name) {
    return tables.values().stream().filter(t -> t.schemaName().equals(schema) && t.tableName().equals(name)).findFirst();
  }

  /**
   * @param identity  "" none, "a" ALWAYS, "d" BY DEFAULT; {@code generated} the expression of a stored generated column
   * @param collation the column's collation (quoted, qualified) where it is not its type's default, else null
   */
  public record Column(String name, String type, boolean notNull, String defaultExpr, String identity, String generated,
      String collation) {

    /** The type as a column definition or ALTER … TYPE takes it: with its collation. */
    public String typeSql() {
      return collation == null ? type : type + " COLLATE " + collation;
    }
  }

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

  /** @param create the CREATE COLLATION statement that makes it */
  public record Collation(String name, String create) {}

  /** @param attributes {@code name type [COLLATE c]} each, in order */
  public record Composite(String name, List<String> attributes) {}

  /** @param create the CREATE TYPE … AS RANGE statement */
  public record RangeType(String name, String create) {}

  /**
   * A function or procedure. @param signature qualified name and argument types, as DROP takes them
   * @param procedure a procedure (DROP PROCEDURE) rather than a function
   * @param definition {@code pg_get_functiondef}: CREATE OR REPLACE …
   */
  public record Routine(String signature, boolean procedure, String definition) {}

  /** @param create the CREATE AGGREGATE statement, or null for kinds it cannot be written for (ordered-set) */
  public record Aggregate(String signature, String create) {}

  /**
   * @param table   its table (quoted, qualified)
   * @param enabled pg_trigger.tgenabled: O on, D off, R replica only, A always
   */
  public record Trigger(String table, String name, String definition, String enabled) {}

  /** @param table its table or view (quoted, qualified); {@code definition} as pg_get_ruledef prints it */
  public record Rule(String table, String name, String definition) {}

  /** @param order creation order on its server (views that use views come later) */
  public record View(String name, boolean materialized, String definition, long order) {}
}
