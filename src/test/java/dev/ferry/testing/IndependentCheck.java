package dev.ferry.testing;

import dev.ferry.config.DatabaseUrl;
import io.vertx.sqlclient.Row;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Ferry's first promise checked without Ferry: every table's rows compared as the text the server prints for them
 * (sorted in Java, byte for byte), and every target sequence at or past each column that draws from it and past the
 * source's own position. Nothing here uses Ferry's hashes, SQL or catalog code: a wrong hash would agree with itself.
 */
public final class IndependentCheck {
  private static final String TABLES = """
      SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'ferry', 'ferry_backup')
        AND n.nspname NOT LIKE 'pg\\_%' AND c.relname <> 'flyway_schema_history' ORDER BY 1""";

  /** Each sequence with the columns whose default draws from it or that own it. */
  private static final String SEQUENCES = """
      SELECT s.oid::regclass::text, format('%I.%I', n.nspname, c.relname), quote_ident(a.attname)
      FROM pg_class s
      JOIN pg_depend d ON d.refobjid = s.oid AND d.refclassid = 'pg_class'::regclass AND d.classid = 'pg_attrdef'::regclass
      JOIN pg_attrdef ad ON ad.oid = d.objid
      JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
      JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE s.relkind = 'S' AND c.relkind IN ('r', 'p') AND NOT c.relispartition
      UNION
      SELECT s.oid::regclass::text, format('%I.%I', n.nspname, c.relname), quote_ident(a.attname)
      FROM pg_class s JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
      JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.refobjsubid
      WHERE s.relkind = 'S'
      ORDER BY 1, 2, 3""";

  /** A parent matched by a natural key, so its surrogate ids may differ between the sides (the demo's organizations). */
  private record NaturalKey(String parent, String idColumn, String key) {}

  private final TestDatabases dbs;
  private final NaturalKey naturalKey;

  public IndependentCheck(TestDatabases dbs) {
    this(dbs, null);
  }

  private IndependentCheck(TestDatabases dbs, NaturalKey naturalKey) {
    this.dbs = dbs;
    this.naturalKey = naturalKey;
  }

  /**
   * The same check where {@code parent}'s rows are matched by {@code key}: its {@code idColumn} is left out, and every
   * column with a foreign key to it is compared as the referenced row's key instead of its id.
   */
  public IndependentCheck throughNaturalKey(String parent, String idColumn, String key) {
    return new IndependentCheck(dbs, new NaturalKey(parent, idColumn, key));
  }

  /** Every difference found, one line each; empty when the target equals the source. */
  public List<String> differences(DatabaseUrl source, DatabaseUrl target) {
    List<String> out = new ArrayList<>();
    List<String> sourceTables = column(source, TABLES);
    List<String> targetTables = column(target, TABLES);
    if (!sourceTables.equals(targetTables)) {
      out.add("tables differ: source " + sourceTables + ", target " + targetTables);
    }
    for (String t : sourceTables) {
      if (!targetTables.contains(t)) {
        continue;
      }
      List<String> s = rows(source, t);
      List<String> g = rows(target, t);
      if (!s.equals(g)) {
        List<String> onlySource = new ArrayList<>(s);
        g.forEach(onlySource::remove);
        List<String> onlyTarget = new ArrayList<>(g);
        s.forEach(onlyTarget::remove);
        out.add(t + ": " + s.size() + " rows on the source, " + g.size() + " on the target; only on the source "
            + first(onlySource) + ", only on the target " + first(onlyTarget));
      }
    }
    out.addAll(sequenceProblems(source, target));
    return out;
  }

  /** Target sequences behind a column that draws from them, or behind the source's sequence of the same name. */
  public List<String> sequenceProblems(DatabaseUrl source, DatabaseUrl target) {
    List<String> out = new ArrayList<>();
    Map<String, List<String[]>> users = new TreeMap<>();
    for (Row r : dbs.execute(target, SEQUENCES)) {
      users.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(new String[] {r.getString(1), r.getString(2)});
    }
    for (Map.Entry<String, List<String[]>> e : users.entrySet()) {
      String seq = e.getKey();
      long position = position(target, seq);
      for (String[] col : e.getValue()) {
        Long max = dbs.execute(target, "SELECT max(" + col[1] + ")::bigint FROM " + col[0]).iterator().next().getLong(0);
        if (max != null && max > position) {
          out.add("sequence " + seq + " on the target would hand out " + (position + 1) + ", but " + col[0] + "."
              + col[1] + " already holds " + max);
        }
      }
      boolean onSource = dbs.execute(source, "SELECT to_regclass('" + seq.replace("'", "''") + "') IS NOT NULL")
          .iterator().next().getBoolean(0);
      if (onSource && position(source, seq) > position) {
        out.add("sequence " + seq + " is at " + position + " on the target, behind the source's " + position(source, seq));
      }
    }
    return out;
  }

  /** The last value a sequence handed out (or its start minus one if it handed out none). */
  private long position(DatabaseUrl db, String seq) {
    Row r = dbs.execute(db, "SELECT last_value, is_called FROM " + seq).iterator().next();
    return r.getBoolean(1) ? r.getLong(0) : r.getLong(0) - 1;
  }

  private List<String> rows(DatabaseUrl db, String table) {
    List<String> out = column(db, "SELECT " + rowText(db, table) + " FROM ONLY " + table + " x");
    out.sort(null);
    return out;
  }

  private String rowText(DatabaseUrl db, String table) {
    if (naturalKey == null) {
      return "x::text";
    }
    String parent = naturalKey.parent();
    String idColumn = naturalKey.idColumn();
    List<String> columns = new ArrayList<>();
    for (Row r : dbs.execute(db, """
        SELECT quote_ident(a.attname), a.attname = '%s' AND a.attrelid = '%s'::regclass,
          EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = a.attrelid AND c.contype = 'f'
            AND c.conkey = ARRAY[a.attnum] AND c.confrelid = '%s'::regclass
            AND c.confkey = ARRAY[(SELECT attnum FROM pg_attribute WHERE attrelid = '%s'::regclass AND attname = '%s')])
        FROM pg_attribute a WHERE a.attrelid = '%s'::regclass AND a.attnum > 0 AND NOT a.attisdropped
        ORDER BY a.attnum""".formatted(idColumn, parent, parent, parent, idColumn, table))) {
      if (r.getBoolean(1)) {
        continue;
      }
      columns.add(r.getBoolean(2) ? "(SELECT p." + naturalKey.key() + " FROM " + parent + " p WHERE p." + idColumn
          + " = x." + r.getString(0) + ")" : "x." + r.getString(0));
    }
    return "ROW(" + String.join(", ", columns) + ")::text";
  }

  private List<String> column(DatabaseUrl db, String sql) {
    List<String> out = new ArrayList<>();
    dbs.execute(db, sql).forEach(r -> out.add(r.getString(0)));
    return out;
  }

  private static String first(List<String> rows) {
    return rows.isEmpty() ? "none" : rows.size() + " like " + rows.get(0);
  }
}
