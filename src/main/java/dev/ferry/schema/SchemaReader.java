package dev.ferry.schema;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Reads a {@link DbSchema} in one round of queries. Run it on a session whose search_path is pg_catalog (an engine
 * session): every name the catalog prints is then schema-qualified, identically on both servers. Ferry's own
 * schemas, objects of extensions and Flyway's history table are left out.
 */
public final class SchemaReader {
  static final String USER_NAMESPACE = """
      n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'ferry', 'ferry_backup', 'ferry_stage')""";
  private static final String NOT_EXTENSION = """
      NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = %s AND d.deptype = 'e')""";
  private static final String QNAME = "quote_ident(n.nspname) || '.' || quote_ident(%s)";

  private static final String SCHEMAS = "SELECT quote_ident(n.nspname) FROM pg_namespace n WHERE " + USER_NAMESPACE
      + " AND " + NOT_EXTENSION.formatted("n.oid");

  private static final String EXTENSIONS = """
      SELECT e.extname, quote_ident(n.nspname) FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
      WHERE e.extname <> 'plpgsql'""";

  private static final String ENUMS = ("SELECT " + QNAME.formatted("t.typname") + """
      , array_agg(e.enumlabel::text ORDER BY e.enumsortorder)::text[]
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_enum e ON e.enumtypid = t.oid
      WHERE %s AND %s GROUP BY 1""").formatted(USER_NAMESPACE, NOT_EXTENSION.formatted("t.oid"));

  private static final String DOMAINS = ("SELECT " + QNAME.formatted("t.typname") + """
      , format_type(t.typbasetype, t.typtypmod), t.typnotnull, t.typdefault,
        ARRAY(SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.contypid = t.oid ORDER BY 1)::text[]
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace
      WHERE t.typtype = 'd' AND %s AND %s""").formatted(USER_NAMESPACE, NOT_EXTENSION.formatted("t.oid"));

  /** Identity columns' sequences (deptype i) belong to their column and are not compared on their own. */
  private static final String SEQUENCES = ("SELECT " + QNAME.formatted("c.relname") + """
      , format_type(s.seqtypid, NULL), s.seqincrement, s.seqmin, s.seqmax, s.seqcache, s.seqcycle,
        o.owner_table, o.owner_column
      FROM pg_sequence s JOIN pg_class c ON c.oid = s.seqrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN LATERAL (
        SELECT quote_ident(rn.nspname) || '.' || quote_ident(rc.relname) AS owner_table, quote_ident(a.attname) AS owner_column
        FROM pg_depend d JOIN pg_class rc ON rc.oid = d.refobjid JOIN pg_namespace rn ON rn.oid = rc.relnamespace
        JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
        WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid AND d.deptype = 'a' LIMIT 1) o ON true
      WHERE %s AND %s
        AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                        AND d.deptype = 'i')""").formatted(USER_NAMESPACE, NOT_EXTENSION.formatted("c.oid"));

  private static final String USER_TABLE = """
      c.relkind IN ('r', 'p') AND %s AND %s AND c.relname <> 'flyway_schema_history'"""
      .formatted(USER_NAMESPACE, NOT_EXTENSION.formatted("c.oid"));

  private static final String TABLES = ("SELECT c.oid::int8, " + QNAME.formatted("c.relname") + """
      , CASE WHEN c.relkind = 'p' THEN pg_get_partkeydef(c.oid) END,
        (SELECT quote_ident(pn.nspname) || '.' || quote_ident(pc.relname) FROM pg_inherits i
         JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE c.relispartition AND i.inhrelid = c.oid),
        CASE WHEN c.relispartition THEN pg_get_expr(c.relpartbound, c.oid) END, n.nspname, c.relname,
        (SELECT string_agg(quote_ident(pn.nspname) || '.' || quote_ident(pc.relname), ', ' ORDER BY i.inhseqno)
         FROM pg_inherits i JOIN pg_class pc ON pc.oid = i.inhparent JOIN pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE NOT c.relispartition AND i.inhrelid = c.oid)
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE %s ORDER BY c.oid""").formatted(USER_TABLE);

  private static final String COLUMNS = """
      SELECT c.oid::int8, quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attnotnull,
             CASE WHEN a.attgenerated = '' THEN pg_get_expr(d.adbin, d.adrelid) END, a.attidentity::text,
             CASE WHEN a.attgenerated <> '' THEN pg_get_expr(d.adbin, d.adrelid) END,
             a.attislocal,
             (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co
              JOIN pg_namespace cn ON cn.oid = co.collnamespace JOIN pg_type ty ON ty.oid = a.atttypid
              WHERE co.oid = a.attcollation AND a.attcollation <> ty.typcollation)
      FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE %s AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY c.oid, a.attnum""".formatted(USER_TABLE);

  /** Constraints declared on the table itself (not inherited by a partition from its parent). */
  private static final String CONSTRAINTS = """
      SELECT c.oid::int8, quote_ident(k.conname), k.contype::text, pg_get_constraintdef(k.oid)
      FROM pg_constraint k JOIN pg_class c ON c.oid = k.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE %s AND k.contype IN ('p', 'u', 'c', 'x', 'f') AND k.conislocal AND k.conparentid = 0
      ORDER BY c.oid, k.conname""".formatted(USER_TABLE);

  /** Indexes that no constraint owns and that are not a partition's share of a parent's index. */
  private static final String INDEXES = ("SELECT c.oid::int8, " + QNAME.formatted("ic.relname") + """
      , pg_get_indexdef(i.indexrelid)
      FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid
      JOIN pg_class c ON c.oid = i.indrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE %s AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid AND k.conrelid = i.indrelid)
        AND NOT EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = i.indexrelid)
      ORDER BY c.oid, ic.relname""").formatted(USER_TABLE);

  private static final String VIEWS = ("SELECT " + QNAME.formatted("c.relname") + """
      , c.relkind = 'm', pg_get_viewdef(c.oid, true), c.oid::int8
      FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('v', 'm') AND %s AND %s ORDER BY c.oid""").formatted(USER_NAMESPACE,
      NOT_EXTENSION.formatted("c.oid"));

  /** A collation's qualified name, for a COLLATE clause: {@code %s} is its oid. */
  private static final String COLLATION_NAME = """
      (SELECT quote_ident(cn.nspname) || '.' || quote_ident(co.collname) FROM pg_collation co
       JOIN pg_namespace cn ON cn.oid = co.collnamespace WHERE co.oid = %s)""";

  /** Read through jsonb: the locale column's name changed across versions (colliculocale 15–16, colllocale 17). */
  private static final String COLLATIONS = ("SELECT " + QNAME.formatted("co.collname") + """
      , co.collprovider::text, co.collcollate, co.collctype,
        coalesce(to_jsonb(co) ->> 'colllocale', to_jsonb(co) ->> 'colliculocale'),
        (to_jsonb(co) ->> 'collisdeterministic') IS DISTINCT FROM 'false'
      FROM pg_collation co JOIN pg_namespace n ON n.oid = co.collnamespace
      WHERE %s AND %s""").formatted(USER_NAMESPACE, NOT_EXTENSION.formatted("co.oid"));

  /** Free-standing composite types (CREATE TYPE … AS), not tables' row types. */
  private static final String COMPOSITES = ("SELECT " + QNAME.formatted("t.typname") + """
      , ARRAY(SELECT quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod)
                || CASE WHEN a.attcollation <> at.typcollation THEN ' COLLATE ' || %s ELSE '' END
              FROM pg_attribute a JOIN pg_type at ON at.oid = a.atttypid
              WHERE a.attrelid = t.typrelid AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum)::text[]
      FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace JOIN pg_class c ON c.oid = t.typrelid
      WHERE t.typtype = 'c' AND c.relkind = 'c' AND %s AND %s""").formatted(COLLATION_NAME.formatted("a.attcollation"),
      USER_NAMESPACE, NOT_EXTENSION.formatted("t.oid"));

  private static final String RANGES = ("SELECT " + QNAME.formatted("t.typname") + """
      , 'CREATE TYPE ' || %s || ' AS RANGE (SUBTYPE = ' || format_type(r.rngsubtype, NULL)
        || CASE WHEN r.rngcollation <> 0 AND r.rngcollation <> st.typcollation
                THEN ', COLLATION = ' || %s ELSE '' END
        || CASE WHEN NOT oc.opcdefault THEN ', SUBTYPE_OPCLASS = ' || quote_ident(ocn.nspname) || '.'
                || quote_ident(oc.opcname) ELSE '' END
        || CASE WHEN r.rngcanonical::oid <> 0 THEN ', CANONICAL = ' || r.rngcanonical::text ELSE '' END
        || CASE WHEN r.rngsubdiff::oid <> 0 THEN ', SUBTYPE_DIFF = ' || r.rngsubdiff::text ELSE '' END || ')'
      FROM pg_range r JOIN pg_type t ON t.oid = r.rngtypid JOIN pg_namespace n ON n.oid = t.typnamespace
      JOIN pg_type st ON st.oid = r.rngsubtype
      JOIN pg_opclass oc ON oc.oid = r.rngsubopc JOIN pg_namespace ocn ON ocn.oid = oc.opcnamespace
      WHERE %s AND %s""").formatted(QNAME.formatted("t.typname"), COLLATION_NAME.formatted("r.rngcollation"),
      USER_NAMESPACE, NOT_EXTENSION.formatted("t.oid"));

  /** Functions and procedures (aggregates apart); a trigger function is one of them. */
  private static final String ROUTINES = ("SELECT " + QNAME.formatted("p.proname") + """
       || '(' || pg_get_function_identity_arguments(p.oid) || ')', p.prokind = 'p', pg_get_functiondef(p.oid)
      FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE p.prokind IN ('f', 'p', 'w') AND %s AND %s""").formatted(USER_NAMESPACE, NOT_EXTENSION.formatted("p.oid"));

  /**
   * Plain aggregates as CREATE AGGREGATE (the server has no pg_get_aggregatedef); others (ordered-set, hypothetical)
   * come back with a null statement and are left to a person.
   */
  private static final String AGGREGATES = ("SELECT " + QNAME.formatted("p.proname") + """
       || '(' || pg_get_function_identity_arguments(p.oid) || ')',
        CASE WHEN a.aggkind = 'n' THEN 'CREATE AGGREGATE ' || """ + QNAME.formatted("p.proname") + """
         || '(' || pg_get_function_identity_arguments(p.oid) || ') (SFUNC = ' || a.aggtransfn::text
         || ', STYPE = ' || format_type(a.aggtranstype, NULL)
         || CASE WHEN a.aggfinalfn::oid <> 0 THEN ', FINALFUNC = ' || a.aggfinalfn::text ELSE '' END
         || CASE WHEN a.aggcombinefn::oid <> 0 THEN ', COMBINEFUNC = ' || a.aggcombinefn::text ELSE '' END
         || CASE WHEN a.agginitval IS NOT NULL THEN ', INITCOND = ' || quote_literal(a.agginitval) ELSE '' END
         || CASE WHEN a.aggsortop <> 0 THEN ', SORTOP = ' || a.aggsortop::regoper::text ELSE '' END
         || CASE WHEN p.proparallel = 's' THEN ', PARALLEL = SAFE' ELSE '' END || ')' END
      FROM pg_aggregate a JOIN pg_proc p ON p.oid = a.aggfnoid JOIN pg_namespace n ON n.oid = p.pronamespace
      WHERE %s AND %s""").formatted(USER_NAMESPACE, NOT_EXTENSION.formatted("p.oid"));

  /** Triggers written by users, on the table they were declared on (not a partition's clone of its parent's). */
  private static final String TRIGGERS = ("SELECT " + QNAME.formatted("c.relname") + """
      , quote_ident(g.tgname), pg_get_triggerdef(g.oid), g.tgenabled::text
      FROM pg_trigger g JOIN pg_class c ON c.oid = g.tgrelid JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE NOT g.tgisinternal AND coalesce((to_jsonb(g) ->> 'tgparentid')::oid, 0) = 0 AND %s""").formatted(USER_TABLE);

  /** Rewrite rules (a view's own _RETURN rule is the view). */
  private static final String RULES = ("SELECT " + QNAME.formatted("c.relname") + """
      , quote_ident(r.rulename), pg_get_ruledef(r.oid)
      FROM pg_rewrite r JOIN pg_class c ON c.oid = r.ev_class JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE r.rulename <> '_RETURN' AND %s AND %s""").formatted(USER_NAMESPACE, NOT_EXTENSION.formatted("c.oid"));

  private SchemaReader() {}

  private static String createCollation(Row r) {
    String provider = switch (r.getString(1)) {
      case "i" -> "icu";
      case "c" -> "libc";
      default -> "default";
    };
    String locale = "icu".equals(provider)
        ? "locale = " + SchemaDiff.literal(r.getString(4))
        : "lc_collate = " + SchemaDiff.literal(r.getString(2)) + ", lc_ctype = " + SchemaDiff.literal(r.getString(3));
    return "CREATE COLLATION " + r.getString(0) + " (provider = " + provider + ", " + locale
        + (r.getBoolean(5) ? "" : ", deterministic = false") + ")";
  }

  public static Future<DbSchema> read(SqlClient db) {
    var schemas = db.query(SCHEMAS).execute();
    var extensions = db.query(EXTENSIONS).execute();
    var enums = db.query(ENUMS).execute();
    var domains = db.query(DOMAINS).execute();
    var sequences = db.query(SEQUENCES).execute();
    var tables = db.query(TABLES).execute();
    var columns = db.query(COLUMNS).execute();
    var constraints = db.query(CONSTRAINTS).execute();
    var indexes = db.query(INDEXES).execute();
    var views = db.query(VIEWS).execute();
    var collations = db.query(COLLATIONS).execute();
    var composites = db.query(COMPOSITES).execute();
    var ranges = db.query(RANGES).execute();
    var routines = db.query(ROUTINES).execute();
    var aggregates = db.query(AGGREGATES).execute();
    var triggers = db.query(TRIGGERS).execute();
    var rules = db.query(RULES).execute();
    return Future.all(List.of(schemas, extensions, enums, domains, sequences, tables, columns, constraints, indexes, views,
            collations, composites, ranges, routines, aggregates, triggers, rules))
        .map(v -> {
          TreeSet<String> s = new TreeSet<>();
          schemas.result().forEach(r -> s.add(r.getString(0)));
          return new DbSchema(s,
              byName(extensions.result(), r -> r.getString(1)),
              byName(enums.result(), r -> Arrays.asList(r.getArrayOfStrings(1))),
              byName(domains.result(), r -> new DbSchema.Domain(r.getString(0), r.getString(1), r.getBoolean(2),
                  r.getString(3), Arrays.asList(r.getArrayOfStrings(4)))),
              byName(sequences.result(), r -> new DbSchema.Sequence(r.getString(0), r.getString(1), r.getLong(2),
                  r.getLong(3), r.getLong(4), r.getLong(5), r.getBoolean(6), r.getString(7), r.getString(8))),
              tables(tables.result(), columns.result(), constraints.result(), indexes.result()),
              byName(views.result(), r -> new DbSchema.View(r.getString(0), r.getBoolean(1), r.getString(2), r.getLong(3))),
              byName(collations.result(), r -> new DbSchema.Collation(r.getString(0), createCollation(r))),
              byName(composites.result(), r -> new DbSchema.Composite(r.getString(0),
                  Arrays.asList(r.getArrayOfStrings(1)))),
              byName(ranges.result(), r -> new DbSchema.RangeType(r.getString(0), r.getString(1))),
              byName(routines.result(), r -> new DbSchema.Routine(r.getString(0), r.getBoolean(1),
                  r.getString(2).strip())),
              byName(aggregates.result(), r -> new DbSchema.Aggregate(r.getString(0), r.getString(1))),
              byQualifiedName(triggers.result(), r -> new DbSchema.Trigger(r.getString(0), r.getString(1),
                  r.getString(2), r.getString(3))),
              byQualifiedName(rules.result(), r -> new DbSchema.Rule(r.getString(0), r.getString(1),
                  SchemaDiff.stripSemicolon(r.getString(2)))));
        });
  }

  /** Rows by their first column (an object's name), in name order. */
  private static <V> Map<String, V> byName(RowSet<Row> rows, Function<Row, V> value) {
    Map<String, V> out = new TreeMap<>();
    rows.forEach(r -> out.put(r.getString(0), value.apply(r)));
    return out;
  }

  /** Rows by "table.name" (their first two columns): triggers and rules are named per table. */
  private static <V> Map<String, V> byQualifiedName(RowSet<Row> rows, Function<Row, V> value) {
    Map<String, V> out = new TreeMap<>();
    rows.forEach(r -> out.put(r.getString(0) + "." + r.getString(1), value.apply(r)));
    return out;
  }

  /** Tables with their columns, constraints and indexes (those rows refer to their table by oid). */
  private static Map<String, DbSchema.Table> tables(RowSet<Row> tables, RowSet<Row> columns, RowSet<Row> constraints,
      RowSet<Row> indexes) {
    Map<Long, String> byOid = new LinkedHashMap<>();
    Map<String, DbSchema.Table> t = new TreeMap<>();
    for (Row r : tables) {
      byOid.put(r.getLong(0), r.getString(1));
      t.put(r.getString(1), new DbSchema.Table(r.getString(5), r.getString(6), r.getString(1), r.getString(2),
          r.getString(3), r.getString(4), r.getString(7), new LinkedHashMap<>(), new TreeMap<>(), new TreeMap<>()));
    }
    for (Row r : columns) {
      // A partition's columns come from its parent: comparing the parent is enough.
      DbSchema.Table table = t.get(byOid.get(r.getLong(0)));
      if (table.partitionOf() == null || r.getBoolean(7)) {
        table.columns().put(r.getString(1), new DbSchema.Column(r.getString(1), r.getString(2), r.getBoolean(3),
            r.getString(4), r.getString(5), r.getString(6), r.getString(8)));
      }
    }
    for (Row r : constraints) {
      t.get(byOid.get(r.getLong(0))).constraints().put(r.getString(1),
          new DbSchema.Constraint(r.getString(1), r.getString(2), r.getString(3)));
    }
    for (Row r : indexes) {
      t.get(byOid.get(r.getLong(0))).indexes().put(r.getString(1), new DbSchema.Index(r.getString(1), r.getString(2)));
    }
    return t;
  }
}
