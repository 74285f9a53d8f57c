package dev.ferry.schema;

import dev.ferry.schema.Change.Step;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What it takes to make the target's schema equal the source's, as ordered {@link Change}s. Objects match by
 * name; a changed constraint, index or view is dropped and re-created, a changed column altered in place.
 * (Just over 300 lines: one short method per kind of object; tables are {@link TableDiff}'s.)
 */
public final class SchemaDiff {
  private final List<Change> changes = new ArrayList<>();

  private SchemaDiff() {}

  public static List<Change> compare(DbSchema source, DbSchema target) {
    SchemaDiff d = new SchemaDiff();
    d.schemas(source, target);
    d.extensions(source, target);
    d.madeByOneStatement(source.collations(), target.collations(), "collation", DbSchema.Collation::create,
        Step.COLLATION, Step.DROP_COLLATION, "DROP COLLATION ");
    d.enums(source, target);
    d.composites(source, target);
    d.madeByOneStatement(source.ranges(), target.ranges(), "range type", DbSchema.RangeType::create, Step.TYPE,
        Step.DROP_TYPE, "DROP TYPE ");
    d.domains(source, target);
    d.sequences(source, target);
    new TableDiff(d.changes).tables(source, target);
    d.routines(source, target);
    d.madeByOneStatement(source.aggregates(), target.aggregates(), "aggregate", DbSchema.Aggregate::create,
        Step.AGGREGATE, Step.DROP_AGGREGATE, "DROP AGGREGATE ");
    d.triggers(source, target);
    d.rules(source, target);
    d.views(source, target);
    List<Change> out = new ArrayList<>(d.changes);
    out.sort(Comparator.comparing(Change::step));
    return out;
  }

  private void add(Step step, String object, String description, String sql, boolean destructive) {
    changes.add(new Change(step, object, description, sql, destructive));
  }

  private void schemas(DbSchema s, DbSchema t) {
    s.schemas().stream().filter(n -> !t.schemas().contains(n))
        .forEach(n -> add(Step.SCHEMA, n, "schema only on the source", "CREATE SCHEMA " + n, false));
    t.schemas().stream().filter(n -> !s.schemas().contains(n))
        .forEach(n -> add(Step.DROP_SCHEMA, n, "schema only on the target", "DROP SCHEMA " + n, true));
  }

  private void extensions(DbSchema s, DbSchema t) {
    s.extensions().forEach((name, schema) -> {
      if (!t.extensions().containsKey(name)) {
        add(Step.EXTENSION, name, "extension only on the source",
            "CREATE EXTENSION IF NOT EXISTS " + quote(name) + " SCHEMA " + schema, false);
      }
    });
    t.extensions().keySet().stream().filter(n -> !s.extensions().containsKey(n))
        .forEach(n -> add(Step.DROP_EXTENSION, n, "extension only on the target", "DROP EXTENSION " + quote(n), true));
  }

  private void enums(DbSchema s, DbSchema t) {
    s.enums().forEach((name, labels) -> {
      List<String> have = t.enums().get(name);
      if (have == null) {
        add(Step.TYPE, name, "enum type only on the source", "CREATE TYPE " + name + " AS ENUM ("
            + labels.stream().map(SchemaDiff::literal).collect(Collectors.joining(", ")) + ")", false);
        return;
      }
      // In source order, each after its predecessor (added just before if it was missing too).
      for (int i = 0; i < labels.size(); i++) {
        if (!have.contains(labels.get(i))) {
          String where = i > 0 ? " AFTER " + literal(labels.get(i - 1))
              : labels.stream().filter(have::contains).findFirst().map(l -> " BEFORE " + literal(l)).orElse("");
          add(Step.TYPE, name, "enum value " + literal(labels.get(i)) + " only on the source",
              "ALTER TYPE " + name + " ADD VALUE IF NOT EXISTS " + literal(labels.get(i)) + where, false);
        }
      }
      List<String> extra = have.stream().filter(l -> !labels.contains(l)).toList();
      if (!extra.isEmpty()) {
        add(Step.DROP_TYPE, name, "enum values only on the target: " + extra
            + " (PostgreSQL cannot drop enum values: re-create the type by hand)", null, true);
      }
    });
    t.enums().keySet().stream().filter(n -> !s.enums().containsKey(n))
        .forEach(n -> add(Step.DROP_TYPE, n, "enum type only on the target", "DROP TYPE " + n, true));
  }

  /**
   * Objects one statement creates and that columns, views or other objects use, so a changed one is left to a person
   * (collations, range types, aggregates). {@code create} gives null for one that cannot be written (an ordered-set
   * aggregate): a person creates it too.
   */
  private <X> void madeByOneStatement(Map<String, X> s, Map<String, X> t, String kind, Function<X, String> create,
      Step step, Step dropStep, String drop) {
    s.forEach((name, x) -> {
      X have = t.get(name);
      String sql = create.apply(x);
      if (have == null) {
        add(step, name, kind + " only on the source" + (sql == null ? ": create it by hand" : ""), sql, false);
      } else if (!have.equals(x)) {
        add(step, name, kind + " differs (" + create.apply(have) + " on the target, " + sql + " on the source):"
            + " other objects use it, so change it by hand", null, false);
      }
    });
    t.keySet().stream().filter(n -> !s.containsKey(n))
        .forEach(n -> add(dropStep, n, kind + " only on the target", drop + n, true));
  }

  /** Attributes are added, dropped or retyped in place (ALTER TYPE), so columns of the type keep their data. */
  private void composites(DbSchema s, DbSchema t) {
    s.composites().forEach((name, c) -> {
      DbSchema.Composite have = t.composites().get(name);
      if (have == null) {
        add(Step.TYPE, name, "composite type only on the source", "CREATE TYPE " + name + " AS ("
            + String.join(", ", c.attributes()) + ")", false);
        return;
      }
      if (have.equals(c)) {
        return;
      }
      List<String> changes = new ArrayList<>();
      Map<String, String> haveByName = attributesByName(have);
      Map<String, String> wantByName = attributesByName(c);
      haveByName.keySet().stream().filter(a -> !wantByName.containsKey(a)).forEach(a -> changes.add("DROP ATTRIBUTE " + a));
      wantByName.forEach((a, def) -> {
        String had = haveByName.get(a);
        if (had == null) {
          changes.add("ADD ATTRIBUTE " + def);
        } else if (!had.equals(def)) {
          changes.add("ALTER ATTRIBUTE " + a + " TYPE " + def.substring(a.length() + 1));
        }
      });
      boolean reordered = changes.isEmpty();
      add(Step.TYPE, name, "composite type differs: (" + String.join(", ", have.attributes()) + ") on the target, ("
          + String.join(", ", c.attributes()) + ") on the source" + (reordered ? " (attribute order: change it by hand)" : ""),
          reordered ? null : "ALTER TYPE " + name + " " + String.join(", ", changes) + " CASCADE",
          changes.stream().anyMatch(x -> !x.startsWith("ADD ")));
    });
    t.composites().keySet().stream().filter(n -> !s.composites().containsKey(n))
        .forEach(n -> add(Step.DROP_TYPE, n, "composite type only on the target", "DROP TYPE " + n, true));
  }

  /** {@code name type…} by name; an attribute's name is the quoted identifier its definition starts with. */
  private static Map<String, String> attributesByName(DbSchema.Composite c) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    for (String a : c.attributes()) {
      out.put(leadingIdentifier(a), a);
    }
    return out;
  }

  private static String leadingIdentifier(String def) {
    if (def.startsWith("\"")) {
      int i = 1;
      while (i < def.length() && !(def.charAt(i) == '"' && (i + 1 == def.length() || def.charAt(i + 1) != '"'))) {
        i += def.charAt(i) == '"' ? 2 : 1;
      }
      return def.substring(0, i + 1);
    }
    int space = def.indexOf(' ');
    return space < 0 ? def : def.substring(0, space);
  }

  /** CREATE OR REPLACE takes a changed body in place; a changed result type needs a person. */
  private void routines(DbSchema s, DbSchema t) {
    s.routines().forEach((sig, r) -> {
      DbSchema.Routine have = t.routines().get(sig);
      String kind = r.procedure() ? "procedure" : "function";
      if (have == null) {
        add(Step.FUNCTION, sig, kind + " only on the source", r.definition(), false);
      } else if (!have.definition().equals(r.definition())) {
        add(Step.FUNCTION, sig, kind + " definition differs", r.definition(), false);
      }
    });
    t.routines().values().stream().filter(r -> !s.routines().containsKey(r.signature()))
        .forEach(r -> add(Step.DROP_FUNCTION, r.signature(), (r.procedure() ? "procedure" : "function")
            + " only on the target", "DROP " + (r.procedure() ? "PROCEDURE " : "FUNCTION ") + r.signature(), true));
  }

  private void triggers(DbSchema s, DbSchema t) {
    s.triggers().forEach((key, g) -> {
      DbSchema.Trigger have = t.triggers().get(key);
      if (have != null && have.definition().equals(g.definition()) && have.enabled().equals(g.enabled())) {
        return;
      }
      if (have != null) {
        add(Step.TRIGGER, key, "trigger differs: " + have.definition() + " (" + have.enabled() + ") on the target",
            "DROP TRIGGER " + g.name() + " ON " + g.table(), false);
      }
      add(Step.TRIGGER, key, have == null ? "trigger only on the source" : "re-created as on the source",
          g.definition(), false);
      String state = switch (g.enabled()) {
        case "D" -> " DISABLE TRIGGER ";
        case "R" -> " ENABLE REPLICA TRIGGER ";
        case "A" -> " ENABLE ALWAYS TRIGGER ";
        default -> null;
      };
      if (state != null) {
        add(Step.TRIGGER, key, "trigger state as on the source", "ALTER TABLE " + g.table() + state + g.name(), false);
      }
    });
    t.triggers().forEach((key, g) -> {
      if (!s.triggers().containsKey(key) && s.tables().containsKey(g.table())) {
        add(Step.DROP_TRIGGER, key, "trigger only on the target", "DROP TRIGGER " + g.name() + " ON " + g.table(), true);
      }
    });
  }

  /** CREATE OR REPLACE RULE takes a changed rule in place. */
  private void rules(DbSchema s, DbSchema t) {
    s.rules().forEach((key, r) -> {
      DbSchema.Rule have = t.rules().get(key);
      if (have == null || !have.definition().equals(r.definition())) {
        add(Step.RULE, key, have == null ? "rule only on the source" : "rule differs: " + have.definition()
            + " on the target", r.definition().replaceFirst("^CREATE RULE", "CREATE OR REPLACE RULE"), false);
      }
    });
    t.rules().forEach((key, r) -> {
      if (!s.rules().containsKey(key) && (s.tables().containsKey(r.table()) || s.views().containsKey(r.table()))) {
        add(Step.DROP_RULE, key, "rule only on the target", "DROP RULE " + r.name() + " ON " + r.table(), true);
      }
    });
  }

  private void domains(DbSchema s, DbSchema t) {
    s.domains().forEach((name, d) -> {
      DbSchema.Domain have = t.domains().get(name);
      if (have == null) {
        add(Step.DOMAIN, name, "domain only on the source", "CREATE DOMAIN " + name + " AS " + d.baseType()
            + (d.defaultExpr() != null ? " DEFAULT " + d.defaultExpr() : "") + (d.notNull() ? " NOT NULL" : "")
            + d.checks().stream().map(c -> " " + c).collect(Collectors.joining()), false);
      } else if (!have.equals(d)) {
        add(Step.DROP_DOMAIN, name, "domain differs (" + describe(have) + " on the target, " + describe(d)
            + " on the source): change it by hand, dropping a domain drops its columns", null, true);
      }
    });
    t.domains().keySet().stream().filter(n -> !s.domains().containsKey(n))
        .forEach(n -> add(Step.DROP_DOMAIN, n, "domain only on the target", "DROP DOMAIN " + n, true));
  }

  private static String describe(DbSchema.Domain d) {
    return d.baseType() + (d.notNull() ? " NOT NULL" : "") + (d.defaultExpr() != null ? " DEFAULT " + d.defaultExpr() : "")
        + (d.checks().isEmpty() ? "" : " " + String.join(" ", d.checks()));
  }

  private void sequences(DbSchema s, DbSchema t) {
    s.sequences().forEach((name, q) -> {
      DbSchema.Sequence have = t.sequences().get(name);
      if (have == null) {
        add(Step.SEQUENCE, name, "sequence only on the source", "CREATE SEQUENCE " + name + " AS " + q.type()
            + " INCREMENT BY " + q.increment() + " MINVALUE " + q.min() + " MAXVALUE " + q.max() + " CACHE " + q.cache()
            + (q.cycle() ? " CYCLE" : " NO CYCLE"), false);
        if (q.ownedBy() != null) {
          add(Step.SEQUENCE_OWNER, name, "owned by " + q.ownedBy(), "ALTER SEQUENCE " + name + " OWNED BY " + q.ownedBy(), false);
        }
      } else if (!sameSettings(q, have)) {
        add(Step.SEQUENCE, name, "sequence settings differ", "ALTER SEQUENCE " + name + " AS " + q.type()
            + " INCREMENT BY " + q.increment() + " MINVALUE " + q.min() + " MAXVALUE " + q.max() + " CACHE " + q.cache()
            + (q.cycle() ? " CYCLE" : " NO CYCLE"), false);
      }
    });
    t.sequences().values().stream().filter(q -> !s.sequences().containsKey(q.name()) && !ownerDropped(q, s))
        .forEach(q -> add(Step.DROP_SEQUENCE, q.name(), "sequence only on the target", "DROP SEQUENCE " + q.name(), true));
  }

  /** A serial's sequence goes with the table or column that owns it: dropping it again would fail. */
  private static boolean ownerDropped(DbSchema.Sequence q, DbSchema source) {
    if (q.ownerTable() == null) {
      return false;
    }
    DbSchema.Table owner = source.tables().get(q.ownerTable());
    return owner == null || !owner.columns().containsKey(q.ownerColumn());
  }

  private static boolean sameSettings(DbSchema.Sequence a, DbSchema.Sequence b) {
    return a.type().equals(b.type()) && a.increment() == b.increment() && a.min() == b.min() && a.max() == b.max()
        && a.cache() == b.cache() && a.cycle() == b.cycle();
  }

  private void views(DbSchema s, DbSchema t) {
    s.views().values().stream().sorted(Comparator.comparingLong(DbSchema.View::order)).forEach(v -> {
      DbSchema.View have = t.views().get(v.name());
      String create = "CREATE " + (v.materialized() ? "MATERIALIZED " : "") + "VIEW " + v.name() + " AS\n"
          + stripSemicolon(v.definition());
      if (have == null) {
        add(Step.VIEW, v.name(), "view only on the source", create, false);
      } else if (!have.definition().equals(v.definition()) || have.materialized() != v.materialized()) {
        add(Step.VIEW, v.name(), "view definition differs", "DROP " + (have.materialized() ? "MATERIALIZED " : "")
            + "VIEW " + v.name(), false);
        add(Step.VIEW, v.name(), "re-created as on the source", create, false);
      }
    });
    t.views().values().stream().filter(v -> !s.views().containsKey(v.name()))
        .sorted(Comparator.comparingLong(DbSchema.View::order).reversed())
        .forEach(v -> add(Step.DROP_VIEW, v.name(), "view only on the target",
            "DROP " + (v.materialized() ? "MATERIALIZED " : "") + "VIEW " + v.name(), true));
  }

  static String stripSemicolon(String sql) {
    String s = sql.strip();
    return s.endsWith(";") ? s.substring(0, s.length() - 1) : s;
  }

  /** One table's column differences: what the sync engine's schema phase checks. */
  public static List<Change> columns(DbSchema.Table source, DbSchema.Table target) {
    return TableDiff.columns(source, target);
  }

  static String orNone(String s) {
    return s == null ? "none" : s;
  }

  static String literal(String s) {
    return "'" + s.replace("'", "''") + "'";
  }

  /** Extension names come unquoted from pg_extension; always quoted, since a plain-looking name may be reserved. */
  static String quote(String ident) {
    return dev.ferry.catalog.TableName.quote(ident);
  }
}
