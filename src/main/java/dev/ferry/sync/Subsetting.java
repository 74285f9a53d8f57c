package dev.ferry.sync;

import dev.ferry.catalog.Column;
import dev.ferry.catalog.ForeignKey;
import dev.ferry.catalog.TableName;
import dev.ferry.config.ConfigException;
import dev.ferry.plan.TablePlan;
import dev.ferry.pull.SubsetSpec;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Which rows of each table a subset pull takes, worked out on production's snapshot before any row is read: the
 * roots ({@link SubsetSpec}), then, until nothing changes, every row a chosen row references (so no local row is
 * ever an orphan) and, where asked, the rows that reference chosen ones (up to a cap). Sets only grow and are
 * finite, so cycles and self-references end. Keys travel as text arrays cast on the server; nothing is written.
 *
 * @param where  table → the condition its masked relation reads (the chosen keys)
 * @param report one line per table: how many rows, and why
 */
record Subsetting(Map<TableName, String> where, List<String> report) {

  /** One table's chosen keys, and how many came in for which reason. */
  private static final class Chosen {
    final Set<String> keys = new LinkedHashSet<>();
    final Map<String, Long> why = new LinkedHashMap<>();
    List<String> fresh = new ArrayList<>();

    void add(List<String> found, String reason) {
      for (String k : found) {
        if (keys.add(k)) {
          fresh.add(k);
          why.merge(reason, 1L, Long::sum);
        }
      }
    }
  }

  static Future<Subsetting> compute(SqlConnection src, List<TablePlan> plans, SubsetSpec spec) {
    Map<TableName, TablePlan> byName = new LinkedHashMap<>();
    plans.forEach(p -> byName.put(p.name(), p));
    for (TablePlan p : plans) {
      if (p.keyColumns().size() != 1) {
        throw new ConfigException("subset", p.name().display() + " has no single-column key to choose rows by;"
            + " leave it out (--exclude) or pull it whole (without --where, --percent)");
      }
      for (ForeignKey fk : p.source().foreignKeys()) {
        if (byName.containsKey(fk.refTable()) && fk.columns().size() != 1) {
          throw new ConfigException("subset", p.name().display() + "." + fk.name() + " is a foreign key over "
              + fk.columns().size() + " columns; subsets follow single-column keys only: leave one of the tables out");
        }
      }
    }
    Map<TableName, Chosen> chosen = new LinkedHashMap<>();
    plans.forEach(p -> chosen.put(p.name(), new Chosen()));
    Future<Void> roots = Future.succeededFuture();
    for (TablePlan p : plans) {
      String condition = condition(p, spec);
      if (condition != null) {
        String reason = named(p, spec.where()).isPresent() ? "--where" : "--percent " + spec.percent();
        roots = roots.compose(v -> keys(src, "SELECT x." + key(p).sql() + "::text FROM " + p.source().fromSql() + " x"
            + " WHERE " + condition, null)
            // The condition is the user's SQL: its error names the flag and table it came from.
            .recover(err -> Future.failedFuture(new ConfigException(reason.startsWith("--where") ? "--where" : "--percent",
                p.name().display() + ": " + err.getMessage())))
            .map(found -> {
              chosen.get(p.name()).add(found, reason);
              return null;
            }));
      }
    }
    for (String t : spec.where().keySet()) {
      if (plans.stream().noneMatch(p -> matches(p, t))) {
        throw new ConfigException("--where", "no table " + t + " among the pulled tables");
      }
    }
    return roots.compose(v -> closure(src, byName, spec, chosen, 0)).map(v -> {
      Map<TableName, String> where = new LinkedHashMap<>();
      List<String> report = new ArrayList<>();
      chosen.forEach((name, c) -> {
        TablePlan p = byName.get(name);
        where.put(name, c.keys.isEmpty() ? "false" : "x." + key(p).sql() + " = ANY(" + arrayLiteral(c.keys) + "::"
            + key(p).type() + "[])");
        report.add(name.display() + ": " + c.keys.size() + " rows" + (c.why.isEmpty() ? "" : " (" + c.why.entrySet()
            .stream().map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", ")) + ")"));
      });
      return new Subsetting(where, report);
    });
  }

  /** One round: the rows the last round's new rows reference, and (where asked) reference them; again until none. */
  private static Future<Void> closure(SqlConnection src, Map<TableName, TablePlan> byName, SubsetSpec spec,
      Map<TableName, Chosen> chosen, int round) {
    Map<TableName, List<String>> fresh = new LinkedHashMap<>();
    chosen.forEach((t, c) -> {
      if (!c.fresh.isEmpty()) {
        fresh.put(t, c.fresh);
        c.fresh = new ArrayList<>();
      }
    });
    if (fresh.isEmpty()) {
      return Future.succeededFuture();
    }
    Future<Void> chain = Future.succeededFuture();
    for (var e : fresh.entrySet()) {
      TablePlan child = byName.get(e.getKey());
      List<String> keys = e.getValue();
      for (ForeignKey fk : child.source().foreignKeys()) {
        TablePlan parent = byName.get(fk.refTable());
        if (parent == null) {
          continue;
        }
        // Parents, always: every row a chosen row points at.
        chain = chain.compose(v -> keys(src, "SELECT p." + key(parent).sql() + "::text FROM " + parent.source().fromSql()
            + " p WHERE p." + quote(fk.refColumns().get(0)) + " IN (SELECT c." + quote(fk.columns().get(0)) + " FROM "
            + child.source().fromSql() + " c WHERE c." + key(child).sql() + " = ANY($1::text[]::" + key(child).type()
            + "[]))", keys).map(found -> {
              chosen.get(parent.name()).add(found, "referenced by " + child.name().display());
              return null;
            }));
      }
      // Children, where asked: rows that point at a chosen row, up to the table's cap.
      for (TablePlan other : byName.values()) {
        OptionalLong cap = named(other, spec.children()).map(OptionalLong::of)
            .orElse(OptionalLong.empty());
        for (ForeignKey fk : cap.isEmpty() ? List.<ForeignKey>of() : other.source().foreignKeys()) {
          if (!fk.refTable().equals(child.name())) {
            continue;
          }
          chain = chain.compose(v -> {
            Chosen c = chosen.get(other.name());
            long room = cap.getAsLong() - c.keys.size();
            if (room <= 0) {
              return Future.succeededFuture();
            }
            return keys(src, "SELECT c." + key(other).sql() + "::text FROM " + other.source().fromSql() + " c WHERE c."
                + quote(fk.columns().get(0)) + " IN (SELECT p." + quote(fk.refColumns().get(0)) + " FROM "
                + child.source().fromSql() + " p WHERE p." + key(child).sql() + " = ANY($1::text[]::" + key(child).type()
                + "[])) AND NOT (c." + key(other).sql() + "::text = ANY($2::text[])) ORDER BY 1 LIMIT " + room,
                keys, List.copyOf(c.keys)).map(found -> {
                  c.add(found, "referencing " + child.name().display());
                  return null;
                });
          });
        }
      }
    }
    return chain.compose(v -> closure(src, byName, spec, chosen, round + 1));
  }

  private static Future<List<String>> keys(SqlConnection src, String sql, List<String> param) {
    return keys(src, sql, param, null);
  }

  /** The first column of {@code sql}'s rows; {@code param} and {@code second} bind as text arrays ($1, $2). */
  private static Future<List<String>> keys(SqlConnection src, String sql, List<String> param, List<String> second) {
    Tuple args = Tuple.tuple();
    if (param != null) {
      args.addArrayOfString(param.toArray(String[]::new));
    }
    if (second != null) {
      args.addArrayOfString(second.toArray(String[]::new));
    }
    Future<RowSet<Row>> rows = param == null ? src.query(sql).execute()
        : src.preparedQuery(sql).execute(args);
    return rows.map(rs -> {
      List<String> out = new ArrayList<>(rs.size());
      rs.forEach(r -> out.add(r.getString(0)));
      return out;
    });
  }

  /** The root condition for a table: its --where, else the --percent share by a hash of its key; null for none. */
  private static String condition(TablePlan p, SubsetSpec spec) {
    return named(p, spec.where()).map(w -> "(" + w + ")").orElse(spec.percent() == null ? null
        : "abs(hashtext(x." + key(p).sql() + "::text)::bigint) % 100 < " + spec.percent());
  }

  /** What {@code byName} says of this table, however it names it (bare, as displayed, or qualified). */
  private static <V> Optional<V> named(TablePlan p, Map<String, V> byName) {
    return Stream.of(p.name().display(), p.name().name(), p.name().qualified())
        .filter(byName::containsKey).findFirst().map(byName::get);
  }

  private static boolean matches(TablePlan p, String name) {
    return name.equals(p.name().display()) || name.equals(p.name().name()) || name.equals(p.name().qualified());
  }

  private static Column key(TablePlan p) {
    return p.keyColumns().get(0);
  }

  private static String quote(String column) {
    return TableName.quote(column);
  }

  /** A SQL array literal of text values: each double-quoted, backslashes and quotes escaped; quotes doubled for SQL. */
  static String arrayLiteral(Set<String> values) {
    String array = values.stream().map(v -> "\"" + v.replace("\\", "\\\\").replace("\"", "\\\"") + "\"")
        .collect(Collectors.joining(",", "{", "}"));
    return "'" + array.replace("'", "''") + "'";
  }
}
