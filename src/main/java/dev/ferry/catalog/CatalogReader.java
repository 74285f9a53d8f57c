package dev.ferry.catalog;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Discovers user tables from pg_catalog: six queries, whatever the number of tables. */
public final class CatalogReader {

  /** Ferry's own control schema and Flyway's history table are never data to sync. */
  private static final String USER_TABLES = """
      SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
        AND n.nspname NOT IN ('pg_catalog', 'information_schema', 'ferry', 'ferry_backup', 'ferry_stage') AND n.nspname NOT LIKE 'pg\\_%'
        AND c.relname <> 'flyway_schema_history'
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass
                        AND d.objid = c.oid AND d.deptype = 'e')""";

  private static final String TABLES = """
      SELECT n.nspname, c.relname, c.relkind = 'p' AS partitioned
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid IN (%s)""".formatted(USER_TABLES);

  private static final String COLUMNS = """
      SELECT n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod) AS type, a.attnotnull,
             pg_get_expr(d.adbin, d.adrelid) AS default_expr, a.attidentity::text AS identity,
             a.attgenerated <> '' AS generated,
             quote_ident(cn.nspname) || '.' || quote_ident(co.collname) AS collation,
             -- read through jsonb: servers before 12 have no such column, and only deterministic collations
             (to_jsonb(co) ->> 'collisdeterministic') IS DISTINCT FROM 'false' AS deterministic
      FROM pg_attribute a
      JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      LEFT JOIN pg_collation co ON co.oid = a.attcollation LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
      WHERE c.oid IN (%s) AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY n.nspname, c.relname, a.attnum""".formatted(USER_TABLES);

  /**
   * Foreign keys, those declared on a partition counted as its partitioned root's (and pointing at the root of a
   * referenced partition): a sample schema as common as pagila declares its payments' keys only on the partitions.
   */
  private static final String FOREIGN_KEYS = """
      SELECT n.nspname, c.relname, con.conname, con.condeferrable,
             con.convalidated AND NOT EXISTS (SELECT 1 FROM pg_trigger tg
               WHERE tg.tgconstraint = con.oid AND tg.tgenabled = 'D') AS enforced,
             ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                   JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS cols,
             fn.nspname AS ref_schema, fc.relname AS ref_table,
             ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                   JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS ref_cols
      FROM pg_constraint con
      JOIN pg_class c ON c.oid = coalesce(pg_partition_root(con.conrelid), con.conrelid)
      JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_class fc ON fc.oid = coalesce(pg_partition_root(con.confrelid), con.confrelid)
      JOIN pg_namespace fn ON fn.oid = fc.relnamespace
      WHERE con.contype = 'f' AND con.conparentid = 0 AND c.oid IN (%s)
      ORDER BY n.nspname, c.relname, con.conname""".formatted(USER_TABLES);

  private static final String INDEXES = """
      SELECT n.nspname, c.relname, ic.relname AS index_name, pg_get_indexdef(i.indexrelid) AS definition,
             i.indisunique, i.indisprimary,
             EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid
                     AND k.contype IN ('p', 'u', 'x')) AS backs_constraint,
             i.indpred IS NOT NULL AS partial, i.indexprs IS NOT NULL AS expression, i.indisvalid,
             -- what dropping and re-creating from pg_get_indexdef would lose: none of these may apply
             (i.indisvalid AND i.indisready AND NOT i.indisreplident AND NOT i.indisclustered
              AND ic.reltablespace = 0 AND obj_description(i.indexrelid, 'pg_class') IS NULL
              AND NOT EXISTS (SELECT 1 FROM pg_attribute ia WHERE ia.attrelid = i.indexrelid AND ia.attstattarget > 0)
              AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.refclassid = 'pg_class'::regclass
                              AND d.refobjid = i.indexrelid AND d.deptype <> 'a')) AS recreatable,
             ARRAY(SELECT a.attname FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(num, ord)
                   JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.num
                   WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)::text[] AS cols
      FROM pg_index i
      JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.oid IN (%s)
      ORDER BY n.nspname, c.relname, ic.relname""".formatted(USER_TABLES);

  /**
   * The sequence each column draws from: owned by it (serial: deptype a, identity: deptype i) or named by its
   * default ({@code DEFAULT nextval('…'::regclass)}, a normal dependency of the default), which is how pagila and
   * many hand-written schemas use sequences, shared ones included.
   */
  private static final String SEQUENCES = """
      SELECT n.nspname, c.relname, a.attname, s.oid::regclass::text AS sequence
      FROM pg_depend d
      JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
      JOIN pg_class c ON c.oid = d.refobjid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
        AND d.deptype IN ('a', 'i') AND c.oid IN (%1$s)
      UNION
      SELECT n.nspname, c.relname, a.attname, s.oid::regclass::text
      FROM pg_depend d
      JOIN pg_attrdef ad ON ad.oid = d.objid
      JOIN pg_class s ON s.oid = d.refobjid AND s.relkind = 'S'
      JOIN pg_class c ON c.oid = ad.adrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_attribute a ON a.attrelid = ad.adrelid AND a.attnum = ad.adnum
      WHERE d.classid = 'pg_attrdef'::regclass AND d.refclassid = 'pg_class'::regclass AND c.oid IN (%1$s)
      ORDER BY 1, 2, 3""".formatted(USER_TABLES);

  /**
   * User triggers and rewrite rules that act on ordinary writes (enabled, or ENABLE ALWAYS); tgtype bits: 1 row,
   * 2 before, 4 insert, 16 update. A view's own _RETURN rule is the view, not a rule on writes.
   */
  private static final String TRIGGERS = """
      SELECT n.nspname, c.relname, g.tgname AS name, false AS rule, g.tgenabled = 'A' AS always,
             (g.tgtype & 1) <> 0 AND (g.tgtype & 2) <> 0 AND (g.tgtype & 20) <> 0 AS changes_rows,
             pg_get_triggerdef(g.oid) AS definition
      FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT g.tgisinternal AND g.tgenabled IN ('O', 'A') AND c.oid IN (%1$s)
      UNION ALL
      SELECT n.nspname, c.relname, r.rulename, true, r.ev_enabled = 'A', true, pg_get_ruledef(r.oid)
      FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE r.rulename <> '_RETURN' AND r.ev_enabled IN ('O', 'A') AND c.oid IN (%1$s)
      ORDER BY 1, 2, 4, 3""".formatted(USER_TABLES);

  private CatalogReader() {}

  public static Future<Catalog> read(SqlClient db) {
    Future<List<Row>> tables = rows(db, TABLES);
    Future<List<Row>> columns = rows(db, COLUMNS);
    Future<List<Row>> fks = rows(db, FOREIGN_KEYS);
    Future<List<Row>> indexes = rows(db, INDEXES);
    Future<List<Row>> sequences = rows(db, SEQUENCES);
    Future<List<Row>> triggers = rows(db, TRIGGERS);
    return Future.all(List.of(tables, columns, fks, indexes, sequences, triggers))
        .map(all -> assemble(tables.result(), columns.result(), fks.result(), indexes.result(), sequences.result(),
            triggers.result()));
  }

  private static Future<List<Row>> rows(SqlClient db, String sql) {
    return db.query(sql).execute().map(rs -> {
      List<Row> out = new ArrayList<>();
      rs.forEach(out::add);
      return out;
    });
  }

  private static TableName nameOf(Row r) {
    return new TableName(r.getString(0), r.getString(1));
  }

  private static Catalog assemble(List<Row> tableRows, List<Row> columnRows, List<Row> fkRows, List<Row> indexRows,
      List<Row> sequenceRows, List<Row> triggerRows) {
    Map<TableName, List<Trigger>> triggers = new HashMap<>();
    for (Row r : triggerRows) {
      triggers.computeIfAbsent(nameOf(r), k -> new ArrayList<>()).add(new Trigger(r.getString("name"),
          r.getBoolean("rule"), r.getBoolean("always"), r.getBoolean("changes_rows"), r.getString("definition")));
    }
    Map<TableName, List<Column>> columns = new HashMap<>();
    for (Row r : columnRows) {
      columns.computeIfAbsent(nameOf(r), k -> new ArrayList<>()).add(new Column(
          r.getString("attname"), r.getString("type"), r.getBoolean("attnotnull"), r.getString("default_expr"),
          r.getString("identity"), r.getBoolean("generated"), r.getString("collation"),
          r.getBoolean("deterministic")));
    }
    Map<TableName, List<ForeignKey>> fks = new HashMap<>();
    for (Row r : fkRows) {
      TableName t = nameOf(r);
      List<String> cols = strings(r, "cols");
      TableName ref = new TableName(r.getString("ref_schema"), r.getString("ref_table"));
      List<String> refCols = strings(r, "ref_cols");
      List<ForeignKey> known = fks.computeIfAbsent(t, k -> new ArrayList<>());
      // Declared on each partition: one key of the partitioned table.
      if (known.stream().anyMatch(f -> f.columns().equals(cols) && f.refTable().equals(ref)
          && f.refColumns().equals(refCols))) {
        continue;
      }
      known.add(new ForeignKey(r.getString("conname"), t,
          cols, ref, refCols, r.getBoolean("condeferrable"), r.getBoolean("enforced")));
    }
    Map<TableName, List<IndexInfo>> indexes = new HashMap<>();
    Map<TableName, List<String>> primaryKeys = new HashMap<>();
    for (Row r : indexRows) {
      TableName t = nameOf(r);
      IndexInfo index = new IndexInfo(r.getString("index_name"), r.getString("definition"),
          r.getBoolean("indisunique"), r.getBoolean("backs_constraint"), r.getBoolean("partial"),
          r.getBoolean("expression"), r.getBoolean("indisvalid"),
          r.getBoolean("recreatable") && !r.getBoolean("backs_constraint"), strings(r, "cols"));
      indexes.computeIfAbsent(t, k -> new ArrayList<>()).add(index);
      if (r.getBoolean("indisprimary")) {
        primaryKeys.put(t, index.columns());
      }
    }
    Map<TableName, Map<String, String>> sequences = new HashMap<>();
    for (Row r : sequenceRows) {
      sequences.computeIfAbsent(nameOf(r), k -> new LinkedHashMap<>()).put(r.getString("attname"),
          r.getString("sequence"));
    }
    Map<TableName, TableInfo> tables = new TreeMap<>();
    for (Row r : tableRows) {
      TableName t = nameOf(r);
      List<Column> cols = columns.getOrDefault(t, List.of());
      List<IndexInfo> idx = indexes.getOrDefault(t, List.of());
      // Keys Ferry can match rows by: valid, total (not partial), plain-column unique indexes on NOT NULL columns.
      List<List<String>> uniqueKeys = idx.stream()
          .filter(i -> i.unique() && i.valid() && !i.partial() && !i.expression())
          .map(IndexInfo::columns)
          .filter(k -> k.stream().allMatch(c -> cols.stream().anyMatch(col -> col.name().equals(c) && col.notNull())))
          .toList();
      tables.put(t, new TableInfo(t, r.getBoolean("partitioned"), List.copyOf(cols),
          primaryKeys.getOrDefault(t, List.of()), uniqueKeys, fks.getOrDefault(t, List.of()), idx,
          sequences.getOrDefault(t, Map.of()), triggers.getOrDefault(t, List.of())));
    }
    return new Catalog(tables);
  }

  private static List<String> strings(Row r, String column) {
    String[] values = r.getArrayOfStrings(column);
    return values == null ? List.of() : Arrays.asList(values);
  }
}
