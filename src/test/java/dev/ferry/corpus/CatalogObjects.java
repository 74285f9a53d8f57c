package dev.ferry.corpus;

import dev.ferry.config.DatabaseUrl;
import dev.ferry.testing.TestDatabases;
import java.util.ArrayList;
import java.util.List;

/**
 * A database's schema as lines of text, read from pg_catalog with the server's own deparsing functions
 * ({@code format_type}, {@code pg_get_constraintdef}, {@code pg_get_functiondef}, {@code pg_get_triggerdef}, …) and
 * nothing of Ferry's: two databases whose lines are equal have the same user-visible schema. Ferry's own schemas
 * ({@code ferry}, {@code ferry_backup}) and system schemas are left out; owners, privileges and comments are not
 * compared (nor does {@code ferry diff} compare them: see {@code DbSchema.NOT_COMPARED}).
 */
final class CatalogObjects {
  private static final String USER_NAMESPACE = "(%s NOT IN ('pg_catalog', 'information_schema', 'ferry', 'ferry_backup')"
      + " AND %<s NOT LIKE 'pg\\_%%')";

  private static final List<String> QUERIES = List.of(
      "SELECT format('schema %I', nspname) FROM pg_namespace WHERE " + ns("nspname"),
      """
      SELECT format('relation %I.%I kind %s persistence %s', n.nspname, c.relname, c.relkind, c.relpersistence)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f') AND\s""" + ns("n.nspname"),
      """
      SELECT format('column %I.%I.%I %s%s%s%s', n.nspname, c.relname, a.attname, format_type(a.atttypid, a.atttypmod),
        CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
        coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), ''),
        CASE WHEN a.attcollation <> t.typcollation THEN ' collate ' || a.attcollation::regcollation::text ELSE '' END)
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      JOIN pg_type t ON t.oid = a.atttypid
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r', 'p', 'v', 'm', 'f', 'c') AND\s""" + ns("n.nspname"),
      """
      SELECT format('constraint %s on %s: %s', con.conname,
        coalesce(nullif(con.conrelid, 0)::regclass::text, nullif(con.contypid, 0)::regtype::text), pg_get_constraintdef(con.oid))
      FROM pg_constraint con JOIN pg_namespace n ON n.oid = con.connamespace WHERE\s""" + ns("n.nspname"),
      "SELECT 'index ' || indexdef FROM pg_indexes WHERE " + ns("schemaname"),
      """
      SELECT format('view %I.%I: %s', n.nspname, c.relname, pg_get_viewdef(c.oid))
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind IN ('v', 'm') AND\s"""
          + ns("n.nspname"),
      """
      SELECT format('sequence %I.%I %s start %s increment %s min %s max %s cache %s cycle %s', n.nspname, c.relname,
        format_type(s.seqtypid, NULL), s.seqstart, s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle)
      FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE\s""" + ns("n.nspname"),
      """
      SELECT format('type %I.%I kind %s%s%s', n.nspname, t.typname, t.typtype,
        CASE t.typtype WHEN 'e' THEN ' labels ' || (SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
                                                    FROM pg_enum e WHERE e.enumtypid = t.oid)
                       WHEN 'd' THEN ' over ' || format_type(t.typbasetype, t.typtypmod) ELSE '' END,
        CASE WHEN t.typtype = 'd' THEN coalesce(' default ' || t.typdefault, '')
          || CASE WHEN t.typnotnull THEN ' not null' ELSE '' END ELSE '' END)
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      LEFT JOIN pg_class c ON c.oid = t.typrelid
      WHERE t.typtype IN ('c', 'e', 'd', 'r', 'm', 'b') AND (t.typrelid = 0 OR c.relkind = 'c')
        AND t.typelem = 0 AND\s""" + ns("n.nspname"),
      """
      SELECT format('routine %s kind %s: %s', p.oid::regprocedure, p.prokind,
        CASE WHEN p.prokind = 'a' THEN (SELECT format('aggregate sfunc %s stype %s', a.aggtransfn, format_type(a.aggtranstype, NULL))
                                        FROM pg_aggregate a WHERE a.aggfnoid = p.oid)
             ELSE pg_get_functiondef(p.oid) END)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE NOT EXISTS (SELECT FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid AND d.deptype = 'e')
        AND\s""" + ns("n.nspname"),
      """
      SELECT format('trigger %s%s', pg_get_triggerdef(t.oid), CASE t.tgenabled WHEN 'O' THEN '' ELSE ' enabled ' || t.tgenabled::text END)
      FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT t.tgisinternal AND\s""" + ns("n.nspname"),
      """
      SELECT format('rule %s', pg_get_ruledef(r.oid)) FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class
      JOIN pg_namespace n ON n.oid = c.relnamespace WHERE r.rulename <> '_RETURN' AND\s""" + ns("n.nspname"),
      "SELECT format('extension %I', extname) FROM pg_extension WHERE extname <> 'plpgsql'");

  private final TestDatabases dbs;

  CatalogObjects(TestDatabases dbs) {
    this.dbs = dbs;
  }

  private static String ns(String column) {
    return String.format(USER_NAMESPACE, column);
  }

  /** Every schema object of the database, one sorted line each. */
  List<String> lines(DatabaseUrl db) {
    List<String> out = new ArrayList<>();
    for (String q : QUERIES) {
      dbs.execute(db, q).forEach(r -> out.add(r.getString(0)));
    }
    out.sort(null);
    return out;
  }

  /** What only one side has, one line each ("only on the source: …"); empty when the schemas are the same. */
  List<String> differences(DatabaseUrl source, DatabaseUrl target) {
    List<String> s = lines(source);
    List<String> t = lines(target);
    List<String> out = new ArrayList<>();
    s.stream().filter(l -> !t.contains(l)).forEach(l -> out.add("only on the source: " + l));
    t.stream().filter(l -> !s.contains(l)).forEach(l -> out.add("only on the target: " + l));
    return out;
  }
}
