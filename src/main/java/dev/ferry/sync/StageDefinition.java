package dev.ferry.sync;

import dev.ferry.db.SqlState;
import dev.ferry.plan.TablePlan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What {@link StagedLoad} builds beside a target table and how it swaps it in, read from the target's catalogs.
 * Only a table that would lose nothing by being dropped and replaced qualifies: owned by the role Ferry connects as,
 * its privileges granted by that role (they are given again), no column privileges, options, triggers, rules, policies, publications, identity columns or statistics targets, nothing
 * pointing at it (foreign keys, views, other objects using its row type). Its columns, defaults, CHECK and NOT NULL
 * constraints, generated columns, storage, extended statistics and comments come with {@code CREATE TABLE … LIKE};
 * its indexes, primary and unique keys and foreign keys are made again from their definitions; the sequences its
 * columns own are handed over.
 */
final class StageDefinition {
  static final String SCHEMA = "ferry_stage";

  /**
   * Creates {@link #SCHEMA} unless it is there. Two tables staged at once both run this, and IF NOT EXISTS is no
   * guard against a concurrent CREATE: the loser fails on pg_namespace's unique index (a scale-10 load lost its large
   * table to a row-by-row fallback that way), so the schema the other session just made is taken as there.
   */
  static void createSchema(Connection target) throws SQLException {
    try {
      target.createStatement().execute("CREATE SCHEMA IF NOT EXISTS " + SCHEMA);
    } catch (SQLException e) {
      if (!SqlState.is(e, SqlState.UNIQUE_VIOLATION)) {
        throw e;
      }
    }
  }

  private static final String REASONS = """
      SELECT c.oid, c.oid::regclass::text AS qualified, quote_ident(n.nspname) AS schema, quote_ident(c.relname) AS name,
        CASE WHEN obj_description(c.oid, 'pg_class') IS NOT NULL
          THEN format('COMMENT ON TABLE %s IS %L', c.oid::regclass, obj_description(c.oid, 'pg_class')) END AS comment,
        array_remove(ARRAY[
          CASE WHEN c.relkind <> 'r' OR c.relispartition OR c.relpersistence <> 'p'
            OR EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = c.oid OR inhparent = c.oid)
            THEN 'not a plain table' END,
          CASE WHEN c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user)
            THEN 'owned by another role' END,
          CASE WHEN EXISTS (SELECT 1 FROM aclexplode(c.relacl) a WHERE a.grantor <> c.relowner)
            OR EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = c.oid AND attacl IS NOT NULL)
            THEN 'privileges granted by other roles or on columns' END,
          CASE WHEN c.reloptions IS NOT NULL OR c.reltablespace <> 0 OR c.relreplident <> 'd'
            THEN 'storage options or replica identity' END,
          CASE WHEN c.relrowsecurity OR EXISTS (SELECT 1 FROM pg_policy WHERE polrelid = c.oid)
            THEN 'row security' END,
          CASE WHEN EXISTS (SELECT 1 FROM pg_publication) THEN 'the database publishes tables' END,
          CASE WHEN EXISTS (SELECT 1 FROM pg_trigger WHERE tgrelid = c.oid AND NOT tgisinternal)
            OR EXISTS (SELECT 1 FROM pg_rewrite WHERE ev_class = c.oid) THEN 'triggers or rules' END,
          CASE WHEN EXISTS (SELECT 1 FROM pg_constraint WHERE confrelid = c.oid) THEN 'foreign keys point at it' END,
          CASE WHEN EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = c.oid AND contype NOT IN ('p', 'u', 'f', 'c'))
            THEN 'exclusion constraints' END,
          CASE WHEN EXISTS (SELECT 1 FROM pg_attribute WHERE attrelid = c.oid AND attnum > 0 AND NOT attisdropped
              AND (attidentity <> '' OR coalesce(attstattarget, -1) <> -1))
            THEN 'identity columns or statistics targets' END,
          CASE WHEN EXISTS (SELECT 1 FROM pg_depend d WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = c.oid
              AND d.classid = 'pg_rewrite'::regclass)
            OR EXISTS (SELECT 1 FROM pg_depend d WHERE d.refclassid = 'pg_type'::regclass AND d.refobjid = c.reltype
              AND d.deptype = 'n')
            THEN 'views or other objects depend on it' END,
          CASE WHEN EXISTS (SELECT 1 FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid WHERE i.indrelid = c.oid
              AND (NOT i.indisvalid OR i.indisclustered OR ic.reltablespace <> 0 OR ic.reloptions IS NOT NULL
                OR obj_description(i.indexrelid, 'pg_class') IS NOT NULL))
            OR EXISTS (SELECT 1 FROM pg_constraint WHERE conrelid = c.oid AND obj_description(oid, 'pg_constraint') IS NOT NULL)
            OR EXISTS (SELECT 1 FROM pg_seclabel WHERE objoid = c.oid)
            THEN 'index or constraint options' END
        ], NULL) AS reasons,
        md5(concat_ws('|',
          (SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod) || ' ' || attnotnull || ' '
             || coalesce(pg_get_expr(d.adbin, d.adrelid), ''), ', ' ORDER BY attnum)
           FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
           WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),
          (SELECT string_agg(pg_get_indexdef(indexrelid), ', ' ORDER BY indexrelid) FROM pg_index WHERE indrelid = c.oid),
          (SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), ', ' ORDER BY conname)
           FROM pg_constraint WHERE conrelid = c.oid))) AS fingerprint
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ?::regclass""";

  /** Every index, slow kinds (GIN, GiST, …) first: they take longest, so they start first. */
  private static final String INDEXES = """
      SELECT quote_ident(ic.relname) AS name, pg_get_indexdef(i.indexrelid) AS definition,
        quote_ident(con.conname) AS constraint_name, con.contype, con.condeferrable, con.condeferred
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_am am ON am.oid = ic.relam
      LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid AND con.contype IN ('p', 'u')
      WHERE i.indrelid = ? ORDER BY am.amname = 'btree', ic.relpages DESC, ic.relname""";

  private static final String FOREIGN_KEYS = """
      SELECT quote_ident(conname) AS name, pg_get_constraintdef(oid) AS definition
      FROM pg_constraint WHERE conrelid = ? AND contype = 'f' ORDER BY conname""";

  /** The table's privileges as statements that give the same to the staging table (none where they are the default). */
  private static final String GRANTS = """
      SELECT format('GRANT %s ON %s TO %s%s', a.privilege_type, ?,
        CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END,
        CASE WHEN a.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
      FROM pg_class c, aclexplode(c.relacl) a WHERE c.oid = ? ORDER BY a.grantee, a.privilege_type""";

  /** The privileges of two tables, as sets (their order in the ACL does not matter). */
  private static final String SAME_GRANTS = """
      SELECT (SELECT array_agg(x::text ORDER BY x::text) FROM pg_class c, unnest(c.relacl) x WHERE c.oid = ?::regclass)
        IS NOT DISTINCT FROM
        (SELECT array_agg(x::text ORDER BY x::text) FROM pg_class c, unnest(c.relacl) x WHERE c.oid = ?::regclass)""";

  private static final String OWNED_SEQUENCES = """
      SELECT s.oid::regclass::text AS sequence, quote_ident(a.attname) AS column_name
      FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
      JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = ?
        AND d.deptype = 'a'""";

  private final String qualified;
  private final String staged;
  private final String columns;
  private final String fingerprint;
  private final List<String> create = new ArrayList<>();
  private final List<String> indexBuilds = new ArrayList<>();
  private final List<String> constraints = new ArrayList<>();
  private final List<String> swap = new ArrayList<>();
  private List<String> sourceRanges = List.of("");

  private StageDefinition(String qualified, String staged, String columns, String fingerprint) {
    this.qualified = qualified;
    this.staged = staged;
    this.columns = columns;
    this.fingerprint = fingerprint;
  }

  /** The table's definition, or {@link NotStageable} saying why it cannot be swapped. */
  static StageDefinition read(Connection target, TablePlan plan) throws SQLException {
    long oid;
    String schema;
    String name;
    String comment;
    StageDefinition d;
    try (PreparedStatement q = target.prepareStatement(REASONS)) {
      q.setString(1, plan.target().name().sql());
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        List<Object> reasons = Arrays.asList((Object[]) rs.getArray("reasons").getArray());
        if (!reasons.isEmpty()) {
          throw new NotStageable(reasons.stream().map(String::valueOf).collect(Collectors.joining(", ")));
        }
        oid = rs.getLong("oid");
        schema = rs.getString("schema");
        name = rs.getString("name");
        comment = rs.getString("comment");
        d = new StageDefinition(rs.getString("qualified"), SCHEMA + ".t" + oid,
            plan.columns().stream().map(c -> c.sql()).collect(Collectors.joining(", ")), rs.getString("fingerprint"));
      }
    }
    d.create.add(d.drop()); // left by a run that died before it could drop it
    d.create.add("CREATE TABLE " + d.staged + " (LIKE " + d.qualified + " INCLUDING DEFAULTS INCLUDING CONSTRAINTS"
        + " INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING STATISTICS INCLUDING COMMENTS)");
    try (PreparedStatement q = target.prepareStatement(GRANTS)) {
      q.setString(1, d.staged);
      q.setLong(2, oid);
      try (ResultSet rs = q.executeQuery()) {
        if (rs.next()) { // an explicit ACL: the owner's own entry is in it, so start from none
          d.create.add("REVOKE ALL ON " + d.staged + " FROM CURRENT_USER");
          do {
            d.create.add(rs.getString(1));
          } while (rs.next());
        }
      }
    }
    try (PreparedStatement q = target.prepareStatement(INDEXES)) {
      q.setLong(1, oid);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          d.indexBuilds.add(d.onStage(rs.getString("definition")));
          String constraint = rs.getString("constraint_name");
          if (constraint != null) {
            String kind = "p".equals(rs.getString("contype")) ? " PRIMARY KEY" : " UNIQUE";
            String deferrable = !rs.getBoolean("condeferrable") ? ""
                : rs.getBoolean("condeferred") ? " DEFERRABLE INITIALLY DEFERRED" : " DEFERRABLE";
            d.constraints.add("ALTER TABLE " + d.staged + " ADD CONSTRAINT " + constraint + kind + " USING INDEX "
                + rs.getString("name") + deferrable);
          }
        }
      }
    }
    try (PreparedStatement q = target.prepareStatement(FOREIGN_KEYS)) {
      q.setLong(1, oid);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          d.constraints.add("ALTER TABLE " + d.staged + " ADD CONSTRAINT " + rs.getString("name") + " "
              + rs.getString("definition"));
        }
      }
    }
    List<String[]> owned = new ArrayList<>();
    try (PreparedStatement q = target.prepareStatement(OWNED_SEQUENCES)) {
      q.setLong(1, oid);
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) {
          owned.add(new String[] {rs.getString("sequence"), rs.getString("column_name")});
        }
      }
    }
    // Dropping the table would drop the sequences its columns own: they are let go first and owned again after.
    owned.forEach(s -> d.swap.add("ALTER SEQUENCE " + s[0] + " OWNED BY NONE"));
    d.swap.add("DROP TABLE " + d.qualified); // RESTRICT: whatever still depends on it stops the swap
    d.swap.add("ALTER TABLE " + d.staged + " SET SCHEMA " + schema);
    d.swap.add("ALTER TABLE " + schema + ".t" + oid + " RENAME TO " + name);
    owned.forEach(s -> d.swap.add("ALTER SEQUENCE " + s[0] + " OWNED BY " + schema + "." + name + "." + s[1]));
    if (comment != null) {
      d.swap.add(comment);
    }
    return d;
  }

  /** An index definition of the table, on the staging table instead (same name, in the staging schema). */
  private String onStage(String definition) {
    Matcher m = Pattern.compile(" ON " + Pattern.quote(qualified) + " USING ").matcher(definition);
    if (!m.find()) {
      throw new NotStageable("an index definition Ferry does not read: " + definition);
    }
    return definition.substring(0, m.start()) + " ON " + staged + " USING " + definition.substring(m.end());
  }

  /**
   * Whether {@link #splitSource} may split the table's read, as far as the plan tells (the source's version and the
   * table's size decide the rest): a plain table read as it is, over two streams or more.
   */
  static boolean mayBeSplit(TablePlan plan, int streams) {
    return streams >= 2 && plan.sourceRelation().equals(plan.source().fromSql()) && !plan.source().partitioned();
  }

  /**
   * Splits the source table into block ranges, one per stream, read by TID range scans (PostgreSQL 14 and later;
   * a single stream otherwise, or where the source is read through a masked relation).
   */
  void splitSource(Connection source, TablePlan plan, int streams) throws SQLException {
    if (!mayBeSplit(plan, streams)) {
      return;
    }
    try (PreparedStatement q = source.prepareStatement("SELECT current_setting('server_version_num')::int >= 140000,"
        + " pg_relation_size(?::regclass) / current_setting('block_size')::int")) {
      q.setString(1, plan.source().name().sql());
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        long blocks = rs.getLong(2);
        if (!rs.getBoolean(1) || blocks < streams * 16L) {
          return;
        }
        List<String> ranges = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
          long from = blocks * i / streams;
          long to = blocks * (i + 1) / streams;
          String lower = i == 0 ? null : "t.ctid >= '(" + from + ",0)'::tid";
          String upper = i == streams - 1 ? null : "t.ctid < '(" + to + ",0)'::tid";
          ranges.add(lower == null ? upper : upper == null ? lower : lower + " AND " + upper);
        }
        sourceRanges = ranges;
      }
    }
  }

  /**
   * Before the swap, under the table's lock: the table is still what was read, and the staging table carries the
   * same privileges (else nothing is swapped).
   */
  void checkUnchanged(Connection target) throws SQLException {
    try (PreparedStatement q = target.prepareStatement(SAME_GRANTS)) {
      q.setString(1, qualified);
      q.setString(2, staged);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        if (!rs.getBoolean(1)) {
          throw new NotStageable("its privileges could not be given to the new table as they are");
        }
      }
    }
    try (PreparedStatement q = target.prepareStatement(REASONS)) {
      q.setString(1, qualified);
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        if (!fingerprint.equals(rs.getString("fingerprint"))
            || ((Object[]) rs.getArray("reasons").getArray()).length > 0) {
          throw new NotStageable("its definition changed during the load");
        }
      }
    }
  }

  String drop() {
    return "DROP TABLE IF EXISTS " + staged;
  }

  String staged() {
    return staged;
  }

  String columns() {
    return columns;
  }

  List<String> create() {
    return create;
  }

  List<String> indexBuilds() {
    return indexBuilds;
  }

  List<String> constraints() {
    return constraints;
  }

  List<String> swap() {
    return swap;
  }

  /** WHERE conditions on the source ({@code t}), one per stream; a single empty one means the whole table. */
  List<String> sourceRanges() {
    return sourceRanges;
  }

  /** The table cannot be swapped; nothing was written. */
  static final class NotStageable extends RuntimeException {
    NotStageable(String why) {
      super(why);
    }
  }
}
