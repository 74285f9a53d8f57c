package dev.ferry.plan;

import dev.ferry.catalog.Catalog;
import dev.ferry.catalog.Column;
import dev.ferry.catalog.ForeignKey;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.config.ConfigException;
import dev.ferry.config.FerryConfig;
import dev.ferry.config.TableSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/** Turns two catalogs, the configuration and a request into a {@link TablePlan} per selected table. */
public final class Planner {
  private final FerryConfig config;

  public Planner(FerryConfig config) {
    this.config = config;
  }

  /** The selected source tables: --tables / include narrow, --exclude / exclude remove. Unknown names are errors. */
  public List<TableInfo> select(Catalog source, SyncOptions options, List<String> warnings) {
    Set<TableName> chosen = new TreeSet<>(source.tables().keySet());
    if (!options.tables().isEmpty()) {
      chosen.retainAll(resolve(source, options.tables(), "--tables"));
    }
    if (!config.include().isEmpty()) {
      chosen.retainAll(resolveLenient(source, config.include(), "include", warnings));
    }
    chosen.removeAll(resolve(source, options.exclude(), "--exclude"));
    chosen.removeAll(resolveLenient(source, config.exclude(), "exclude", warnings));
    for (String name : config.tables().keySet()) {
      TableName pattern = TableName.parse(name, "tables." + name);
      if (source.tables().keySet().stream().noneMatch(pattern::matches)) {
        warnings.add("configuration tables." + name + " names no table on the source; its settings are ignored");
      }
    }
    return chosen.stream().map(t -> source.tables().get(t)).toList();
  }

  private static Set<TableName> resolve(Catalog catalog, List<String> names, String key) {
    Set<TableName> out = new TreeSet<>();
    for (String name : names) {
      TableName pattern = TableName.parse(name, key);
      List<TableName> hits = catalog.tables().keySet().stream().filter(pattern::matches).toList();
      if (hits.isEmpty()) {
        throw new ConfigException(key, "no table '" + name + "' on the source (it has: "
            + catalog.tables().keySet().stream().map(TableName::display).collect(Collectors.joining(", ")) + ")");
      }
      if (hits.size() > 1) {
        throw new ConfigException(key, "'" + name + "' is ambiguous: " + hits + "; qualify it with its schema");
      }
      out.addAll(hits);
    }
    return out;
  }

  private static Set<TableName> resolveLenient(Catalog catalog, List<String> names, String key, List<String> warnings) {
    Set<TableName> out = new TreeSet<>();
    for (String name : names) {
      TableName pattern = TableName.parse(name, key);
      List<TableName> hits = catalog.tables().keySet().stream().filter(pattern::matches).toList();
      if (hits.isEmpty()) {
        warnings.add("configuration " + key + " names '" + name + "', which is not on the source");
      }
      out.addAll(hits);
    }
    return out;
  }

  /**
   * Plans the selected tables in load order.
   *
   * @param selected source tables that exist on the target (schema validation has checked)
   */
  public List<TablePlan> plan(List<TableInfo> selected, Catalog target, TableOrder order) {
    Map<TableName, TableInfo> bySource = new LinkedHashMap<>();
    selected.forEach(t -> bySource.put(t.name(), t));
    Map<TableName, TablePlan> plans = new LinkedHashMap<>();
    for (TableName name : order.flattened()) {
      TableInfo src = bySource.get(name);
      TableInfo tgt = target.table(name).orElseThrow();
      plans.put(name, planTable(src, tgt, order, plans));
    }
    return List.copyOf(plans.values());
  }

  private TablePlan planTable(TableInfo src, TableInfo tgt, TableOrder order, Map<TableName, TablePlan> earlier) {
    TableSettings settings = config.settingsFor(src.name().qualified(), src.name().name());
    Key key = key(settings, src, tgt);
    Links links = links(src, tgt, key, order, earlier);
    List<Column> deferred = deferred(src, tgt, key, links.deferred());
    return new TablePlan(src, tgt, key.kind(), written(src, tgt, key, links.deferred()), key.columns().size(),
        key.surrogate(), Map.copyOf(links.mapped()), deferred, settings.minRows(), watermark(settings, src, tgt,
        key.kind()));
  }

  /** How rows are matched: the configured natural key, else the target's primary key, else a unique key, else none. */
  private record Key(KeyKind kind, List<String> columns, List<String> surrogate) {}

  private static Key key(TableSettings settings, TableInfo src, TableInfo tgt) {
    if (settings.hasNaturalKey()) {
      List<String> key = settings.key();
      checkNaturalKey(key, src, tgt);
      boolean isPrimary = key.size() == tgt.primaryKey().size() && key.containsAll(tgt.primaryKey());
      return isPrimary ? new Key(KeyKind.PRIMARY, key, List.of())
          : new Key(KeyKind.NATURAL, key, tgt.primaryKey().stream().filter(c -> !key.contains(c)).toList());
    }
    if (!tgt.primaryKey().isEmpty()) {
      return new Key(KeyKind.PRIMARY, tgt.primaryKey(), List.of());
    }
    if (!tgt.uniqueKeys().isEmpty()) {
      return new Key(KeyKind.UNIQUE, tgt.uniqueKeys().get(0), List.of());
    }
    return new Key(KeyKind.NONE, List.of(), List.of());
  }

  /** A configured natural key exists on the source, is NOT NULL, and is unique on both sides. */
  private static void checkNaturalKey(List<String> key, TableInfo src, TableInfo tgt) {
    String where = "tables." + src.name().display() + ".key";
    for (String col : key) {
      Column c = src.column(col).orElseThrow(() -> new ConfigException(where,
          "column '" + col + "' does not exist in " + src.name().display()));
      if (!c.notNull()) {
        throw new ConfigException(where, "column '" + col + "' is nullable; a natural key must be NOT NULL");
      }
    }
    if (!src.hasUniqueOn(key) && !key.equals(src.primaryKey())) {
      throw new ConfigException(where, "the source has no unique constraint or index on " + key
          + "; a natural key must be unique");
    }
    if (!tgt.hasUniqueOn(key) && !key.equals(tgt.primaryKey())) {
      throw new ConfigException(where, "the target has no unique constraint or index on " + key
          + " (Ferry upserts with ON CONFLICT on it); add one with a migration");
    }
  }

  /** Foreign-key columns rewritten through a parent's id map, and those a cycle defers to a second pass. */
  private record Links(Map<String, TableName> mapped, List<String> deferred) {}

  private Links links(TableInfo src, TableInfo tgt, Key key, TableOrder order, Map<TableName, TablePlan> earlier) {
    Map<String, TableName> mapped = new LinkedHashMap<>();
    List<String> deferred = new ArrayList<>();
    for (ForeignKey fk : tgt.foreignKeys()) {
      TablePlan parent = earlier.get(fk.refTable());
      boolean self = fk.refTable().equals(src.name());
      boolean parentNatural = self ? key.kind() == KeyKind.NATURAL
          : parent != null && parent.keyKind() == KeyKind.NATURAL;
      if (!self && parent == null && config.settingsFor(fk.refTable().qualified(), fk.refTable().name()).hasNaturalKey()) {
        // Its ids differ between the databases and only a sync of that table builds the map: copying these
        // values unmapped would point rows at the wrong parent.
        throw new ConfigException("--tables", src.name().display() + " references " + fk.refTable().display()
            + ", whose rows are matched by a natural key (ids differ between source and target); include "
            + fk.refTable().display() + " in the sync so its ids can be mapped");
      }
      if (parentNatural && fk.refColumns().equals(self ? key.surrogate() : parent.surrogate())) {
        if (fk.columns().size() != 1) {
          throw new ConfigException("tables." + fk.refTable().display() + ".key",
              "foreign key " + fk.name() + " references a composite id; only single-column ids can be mapped");
        }
        mapped.put(fk.columns().get(0), fk.refTable());
      }
      if (order.deferred().contains(sourceFk(src, fk))) {
        deferred.addAll(fk.columns());
      }
    }
    return new Links(mapped, deferred);
  }

  /** Cycle columns set in a second pass: never key columns, and nullable, so rows can go in before their parents. */
  private static List<Column> deferred(TableInfo src, TableInfo tgt, Key key, List<String> names) {
    List<Column> deferred = new ArrayList<>();
    for (String d : names) {
      Column c = tgt.column(d).orElseThrow();
      if (key.columns().contains(d)) {
        throw new ConfigException("tables." + src.name().display(), "column '" + d
            + "' is both in the key and in a foreign-key cycle; Ferry cannot load it without disabling constraints");
      }
      if (c.notNull()) {
        throw new ConfigException("tables." + src.name().display(), "column '" + d
            + "' closes a foreign-key cycle but is NOT NULL, so rows cannot be inserted before the rows they"
            + " reference; make it nullable (or break the cycle) to sync this table");
      }
      if (!deferred.contains(c)) {
        deferred.add(c);
      }
    }
    return List.copyOf(deferred);
  }

  /** Columns written: both sides have them, not generated, not the surrogate, not deferred; key first. */
  private static List<Column> written(TableInfo src, TableInfo tgt, Key key, List<String> deferred) {
    List<Column> ordered = new ArrayList<>();
    for (String k : key.columns()) {
      ordered.add(tgt.column(k).orElseThrow());
    }
    tgt.writableColumns().stream()
        .filter(c -> src.column(c.name()).filter(s -> !s.generated()).isPresent())
        .filter(c -> !key.surrogate().contains(c.name()))
        .filter(c -> !deferred.contains(c.name()))
        .filter(c -> !key.columns().contains(c.name()))
        .forEach(ordered::add);
    return List.copyOf(ordered);
  }

  /** The watermark column: on both sides, of a type that orders by time or sequence, on a keyed table. */
  private static Column watermark(TableSettings settings, TableInfo src, TableInfo tgt, KeyKind kind) {
    String name = settings.watermark();
    if (name == null) {
      return null;
    }
    String where = "tables." + src.name().display() + ".watermark";
    if (kind == KeyKind.NONE) {
      throw new ConfigException(where, src.name().display() + " has no key: a watermark needs rows matched by key");
    }
    src.column(name).orElseThrow(() -> new ConfigException(where,
        "column '" + name + "' does not exist in the source's " + src.name().display()));
    Column c = tgt.column(name).orElseThrow(() -> new ConfigException(where,
        "column '" + name + "' does not exist in the target's " + tgt.name().display()));
    if (!List.of("timestamp with time zone", "timestamp without time zone", "date", "smallint", "integer", "bigint")
        .contains(c.type()) && !c.type().startsWith("numeric")) {
      throw new ConfigException(where, "column '" + name + "' is " + c.type()
          + "; a watermark must be a timestamp, date, integer or numeric column that grows when a row changes");
    }
    return c;
  }

  /** The deferred set holds the source catalog's FK records; match by table and name. */
  private static ForeignKey sourceFk(TableInfo src, ForeignKey targetFk) {
    return src.foreignKeys().stream().filter(f -> f.name().equals(targetFk.name())).findFirst().orElse(targetFk);
  }
}
