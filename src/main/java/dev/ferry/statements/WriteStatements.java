package dev.ferry.statements;

import static dev.ferry.statements.Fragments.casts;
import static dev.ferry.statements.Fragments.col;
import static dev.ferry.statements.Fragments.joinOn;
import static dev.ferry.statements.Fragments.names;
import static dev.ferry.statements.Fragments.rowParams;
import static dev.ferry.statements.Fragments.rowText;

import dev.ferry.catalog.Column;
import dev.ferry.plan.TablePlan;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What the copy writes to the target, and the dry-run twins that count instead. Every statement binds one batch:
 * one {@code text[]} per column (see {@link Params#unnest}), cast on the server to the column's type.
 */
public final class WriteStatements {
  private final TablePlan plan;

  WriteStatements(TablePlan plan) {
    this.plan = plan;
  }

  /**
   * The upsert. Rows are first compared with the target on the server (text of every value), and only rows that
   * are new or differ reach the INSERT: unchanged rows are neither locked nor written, so they make no WAL.
   * Returns one row: (inserted, written); written minus inserted were updates. Binds the rows' columns.
   */
  public String upsert() {
    return upsertReturning("1")
        + " SELECT (SELECT count(*) FROM changed WHERE is_new) AS inserted, (SELECT count(*) FROM w) AS written";
  }

  /**
   * {@link #upsert()} that also sums the rows as the INSERT left them: {@code digestOfW} is the target's digest
   * statement over relation {@code w}, the written rows ({@link DigestStatements#targetDigestOf}). Returns one row:
   * (inserted, written, digest).
   */
  String upsertDigested(String digestOfW) {
    return upsertReturning(insertColumns()) + " SELECT (SELECT count(*) FROM changed WHERE is_new) AS inserted, d.n AS written,"
        + " d.digest FROM (" + digestOfW + ") d";
  }

  /** The upsert's common table expressions, the INSERT's being {@code w}, returning {@code returning}. */
  private String upsertReturning(String returning) {
    // Key columns are among the values only under a nondeterministic collation: their text can change while the
    // key still matches, and SET then writes the source's text.
    List<Column> values = plan.comparedColumns();
    String insert = "INSERT INTO " + plan.name().sql() + " AS t (" + insertColumns() + ")" + overriding()
        + " SELECT " + casts(plan.columns()) + deferredNulls() + " FROM changed u";
    String conflict = " ON CONFLICT (" + names(plan.keyColumns()) + ")" + (values.isEmpty()
        ? " DO NOTHING"
        : " DO UPDATE SET " + values.stream().map(c -> c.sql() + " = EXCLUDED." + c.sql()).collect(Collectors.joining(", "))
            + " WHERE " + rowText("t", values) + " IS DISTINCT FROM " + rowText("EXCLUDED", values));
    return "WITH u AS (SELECT * FROM " + new Params().unnest(plan.columns().size()) + "),"
        + " changed AS (SELECT u.*, t." + plan.keyColumns().get(0).sql() + " IS NULL AS is_new FROM u LEFT JOIN "
        + plan.target().fromSql() + " t ON " + joinOn("t", plan.keyColumns()) + " WHERE " + differs() + "),"
        // RETURNING cannot see xmax on partitioned tables, so "new" comes from the comparison itself.
        + " w AS (" + insert + conflict + " RETURNING " + returning + ")";
  }

  /** The dry-run twin of {@link #upsert()}: the same comparison, counted instead of written. */
  public String upsertPreview() {
    return "WITH u AS (SELECT * FROM " + new Params().unnest(plan.columns().size()) + ")"
        + " SELECT count(*) FILTER (WHERE t." + plan.keyColumns().get(0).sql() + " IS NULL) AS inserted,"
        + " count(*) FILTER (WHERE t." + plan.keyColumns().get(0).sql() + " IS NOT NULL AND (" + differs() + ")) AS updated"
        + " FROM u LEFT JOIN " + plan.target().fromSql() + " t ON " + joinOn("t", plan.keyColumns());
  }

  /** Plain insert, for tables known to be empty inside this transaction (an empty load, rebuild, keyless replace). */
  public String insert() {
    return "INSERT INTO " + plan.name().sql() + " (" + insertColumns() + ")" + overriding()
        + " SELECT " + casts(plan.columns()) + deferredNulls()
        + " FROM " + new Params().unnest(plan.columns().size());
  }

  /** The written columns from COPY (text, or {@code binary}), in {@link ReadStatements#copySource}'s order. */
  public String copyInto(boolean binary) {
    return "COPY " + plan.name().sql() + " (" + names(plan.columns()) + ") FROM STDIN" + BinaryCopy.option(binary);
  }

  /** Second pass: set cycle columns on rows that exist by now, where they differ. Binds key and cycle columns. */
  public String updateLinks() {
    int k = plan.key();
    List<Column> d = plan.deferred();
    String set = IntStream.range(0, d.size())
        .mapToObj(i -> d.get(i).sql() + " = " + col(k + i) + "::" + d.get(i).type())
        .collect(Collectors.joining(", "));
    return "WITH u AS (SELECT * FROM " + new Params().unnest(k + d.size()) + ")"
        + " UPDATE " + plan.target().fromSql() + " AS t SET " + set + " FROM u WHERE " + joinOn("t", plan.keyColumns())
        + " AND " + rowText("t", d) + " IS DISTINCT FROM " + rowParams(k, d.size());
  }

  public String updateLinksPreview() {
    int k = plan.key();
    List<Column> d = plan.deferred();
    return "SELECT count(*) FROM " + new Params().unnest(k + d.size())
        + " JOIN " + plan.target().fromSql() + " t ON " + joinOn("t", plan.keyColumns())
        + " WHERE " + rowText("t", d) + " IS DISTINCT FROM " + rowParams(k, d.size());
  }

  /** Binds the keys. */
  public String deleteByKeys() {
    return "DELETE FROM " + plan.target().fromSql() + " t USING " + new Params().unnest(plan.key())
        + " WHERE " + joinOn("t", plan.keyColumns());
  }

  /** Copies the target's rows with a batch of keys, whole, into {@code into} (a backup copy). Binds the keys. */
  public String copyTargetRowsByKeys(String into) {
    return "INSERT INTO " + into + " SELECT t.* FROM " + plan.target().fromSql() + " t JOIN "
        + new Params().unnest(plan.key()) + " ON " + joinOn("t", plan.keyColumns());
  }

  public String deleteAll() {
    return "DELETE FROM " + plan.target().fromSql();
  }

  private String differs() {
    String missing = "t." + plan.keyColumns().get(0).sql() + " IS NULL";
    List<Column> values = plan.comparedColumns();
    if (values.isEmpty()) {
      return missing;
    }
    return missing + " OR " + rowText("t", values) + " IS DISTINCT FROM " + rowParams(plan.columns(), values);
  }

  private String insertColumns() {
    List<Column> cols = new ArrayList<>(plan.columns());
    cols.addAll(plan.deferred());
    return names(cols);
  }

  private String deferredNulls() {
    return plan.deferred().stream().map(c -> ", NULL").collect(Collectors.joining());
  }

  private String overriding() {
    return plan.columns().stream().anyMatch(Column::identityAlways) ? " OVERRIDING SYSTEM VALUE" : "";
  }
}
