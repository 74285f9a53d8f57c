package dev.ferry.statements;

import static dev.ferry.statements.Fragments.C;
import static dev.ferry.statements.Fragments.rowText;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.ForeignKey;
import dev.ferry.catalog.TableName;
import dev.ferry.plan.TablePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * How rows are hashed and tables digested, identically on both servers: the content digest validation compares,
 * and the row hash the copy and the range comparison sum. See the hash audit in docs/architecture.md.
 */
public final class DigestStatements {
  private final TablePlan plan;
  private final Map<TableName, TablePlan> plans;
  private final boolean fastHash;

  /**
   * @param plans    every table of the run: a foreign key into a natural-key table hashes as that row's natural key
   * @param fastHash both servers have {@code hash_record_extended} (PostgreSQL 14+): rows are hashed from their
   *                 values' binary form (see {@link #rowHash}), not from their text
   */
  DigestStatements(TablePlan plan, Map<TableName, TablePlan> plans, boolean fastHash) {
    this.plan = plan;
    this.plans = plans;
    this.fastHash = fastHash;
  }

  /**
   * Row count and an order-independent digest: the exact sum of every row's {@link #rowHash}. Foreign keys into
   * natural-key tables are hashed as the referenced row's natural key, so remapped ids compare equal.
   */
  public String digest(boolean sourceSide) {
    return digestOf(sourceSide ? plan.sourceRelation() : plan.target().fromSql(), sourceSide);
  }

  /** {@link #digest}'s target side over another table of the same definition (one about to take its place). */
  public String targetDigestOf(String relation) {
    return digestOf(relation, false);
  }

  private String digestOf(String relation, boolean sourceSide) {
    HashedRow row = hashedRow(sourceSide);
    return "SELECT count(*) AS n, coalesce(sum(" + row.hash() + "), 0)::text AS digest FROM " + relation + " t"
        + row.joins();
  }

  /** Rows of the target table whose foreign key points at no row (where the key does not rule it out itself). */
  public static String orphans(ForeignKey fk, String childFrom) {
    String notNull = fk.columns().stream().map(c -> "c." + TableName.quote(c) + " IS NOT NULL")
        .collect(Collectors.joining(" AND "));
    String match = IntStream.range(0, fk.columns().size())
        .mapToObj(i -> "p." + TableName.quote(fk.refColumns().get(i)) + " = c." + TableName.quote(fk.columns().get(i)))
        .collect(Collectors.joining(" AND "));
    return "SELECT count(*) FROM " + childFrom + " c WHERE " + notNull
        + " AND NOT EXISTS (SELECT 1 FROM " + fk.refTable().sql() + " p WHERE " + match + ")";
  }

  /** A row's hash expression over table alias {@code t}, and the joins it needs (remapped keys' parents). */
  record HashedRow(String hash, String joins) {}

  HashedRow hashedRow(boolean sourceSide) {
    List<String> values = new ArrayList<>();
    List<String> texts = new ArrayList<>();
    List<String> joins = new ArrayList<>();
    List<Column> all = new ArrayList<>(plan.columns());
    all.addAll(plan.deferred());
    for (Column c : all) {
      TableName parent = plan.mapped().get(c.name());
      TablePlan parentPlan = parent == null ? null : plans.get(parent);
      if (parentPlan == null) {
        texts.add("t." + c.sql() + "::text");
        values.add(hashed(c));
        continue;
      }
      String alias = "m" + joins.size();
      joins.add(" LEFT JOIN " + (sourceSide ? parentPlan.sourceRelation() : parentPlan.target().fromSql()) + " " + alias
          + " ON " + alias + "." + TableName.quote(parentPlan.idColumn()) + " = t." + c.sql());
      // A one-column natural key is hashed as its text; a record's text costs a record_out per row.
      List<Column> natural = parentPlan.keyColumns();
      texts.add(natural.size() == 1 ? alias + "." + natural.get(0).sql() + "::text" : rowText(alias, natural) + "::text");
      values.add(texts.get(texts.size() - 1) + C);
    }
    return new HashedRow(rowHash(fastHash ? values : texts), String.join("", joins));
  }

  /**
   * A row's 64-bit hash, the same on both servers for equal rows. With PostgreSQL 14+ on both sides it is
   * {@code hash_record_extended} over the values themselves, which skips rendering them as text (five times
   * faster on jsonb-heavy rows); values whose hash equality is not text equality (enums hash their OIDs, numeric
   * ignores display scale, json and arrays, extension types) are hashed as text. Otherwise: 60 bits of the md5
   * of the row's text.
   */
  private String rowHash(List<String> columns) {
    String values = String.join(", ", columns);
    // hash_record_extended combines columns linearly (31·h + c): summed over a range, values swapped between two
    // rows would cancel out. Hashing its result again scrambles it.
    return fastHash ? "hashint8extended(hash_record_extended(ROW(" + values + "), 0), 0)"
        : "('x' || left(md5(ROW(" + values + ")::text), 15))::bit(60)::bigint";
  }

  /**
   * How a column enters a row hash: its value where the type's hash function agrees with its text (see
   * {@link #hashesLikeText}), else its text. Collatable values are hashed in the "C" collation: text hashes follow
   * the collation, and under a nondeterministic one 'abc' and 'ABC' hash alike; a text cast keeps the column's
   * collation (an array or domain of such text too), so it needs the same.
   */
  public static String hashed(Column c) {
    String value = hashesLikeText(c.type()) ? "t." + c.sql() : "t." + c.sql() + "::text";
    return c.collatable() || !hashesLikeText(c.type()) ? value + C : value;
  }

  /**
   * Types whose hash function agrees with their text: equal hash input exactly when equal text output. Not jsonb
   * (its hash ignores numeric scale: 1.5 and 1.50), numeric without a typmod (the same), enums (OIDs), json,
   * arrays (their bounds), composites, ranges, domains and extension types: all hashed as their text. See the hash
   * audit in docs/architecture.md.
   */
  public static boolean hashesLikeText(String type) {
    return switch (type) {
      case "smallint", "integer", "bigint", "boolean", "text", "uuid", "bytea", "date",
          "timestamp without time zone", "timestamp with time zone", "time without time zone",
          "character varying", "character" -> true;
      default -> !type.endsWith("]") && (type.startsWith("character varying(") || type.startsWith("character(")
          || type.startsWith("numeric(")); // a typmod fixes the scale; arrays hash without their bounds
    };
  }
}
