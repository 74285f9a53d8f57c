package dev.ferry.validate;

import dev.ferry.catalog.Catalog;
import dev.ferry.catalog.CatalogReader;
import dev.ferry.catalog.ForeignKey;
import dev.ferry.catalog.IndexInfo;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.config.FerryConfig;
import dev.ferry.statements.DigestStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Seed 004's health checks on the target, beyond what sync validation compares: rows duplicated under a
 * configured natural key (nothing may enforce it), foreign keys no index supports, and the largest tables.
 */
public final class TargetChecks {
  public record Duplicate(String table, List<String> key, long groups) {}

  public record Orphans(String table, String constraint, long rows) {}

  public record UnindexedForeignKey(String table, String constraint, List<String> columns, String suggestion) {}

  public record Size(String table, long estimatedRows, long bytes, String pretty) {}

  public record Report(List<Orphans> orphans, List<Duplicate> duplicates, List<UnindexedForeignKey> unindexedForeignKeys,
      List<Size> largest) {
    public boolean clean() {
      return orphans.isEmpty() && duplicates.isEmpty();
    }
  }

  private TargetChecks() {}

  public static Future<Report> run(SqlClient target, FerryConfig config) {
    return CatalogReader.read(target).compose(catalog -> {
      Future<List<Orphans>> orphans = orphans(target, catalog);
      Future<List<Duplicate>> dups = duplicates(target, catalog, config);
      Future<List<Size>> sizes = largest(target);
      return Future.all(orphans, dups, sizes).map(v -> new Report(orphans.result(), dups.result(), unindexed(catalog),
          sizes.result()));
    });
  }

  /** Every foreign key of the target, whether or not it is enforced (NOT VALID, triggers disabled, dropped). */
  private static Future<List<Orphans>> orphans(SqlClient target, Catalog catalog) {
    List<Future<Orphans>> checks = new ArrayList<>();
    for (TableInfo t : catalog.tables().values()) {
      for (ForeignKey fk : t.foreignKeys()) {
        checks.add(target.query(DigestStatements.orphans(fk, t.fromSql())).execute()
            .map(rs -> new Orphans(t.name().display(), fk.name(), rs.iterator().next().getLong(0))));
      }
    }
    return Future.all(checks).map(v -> checks.stream().map(Future::result).filter(o -> o.rows() > 0).toList());
  }

  /**
   * Keys that should be unique but nothing enforces: configured natural keys, and unique indexes left invalid (a
   * failed CREATE UNIQUE INDEX CONCURRENTLY).
   */
  private static Future<List<Duplicate>> duplicates(SqlClient target, Catalog catalog, FerryConfig config) {
    List<Future<Duplicate>> checks = new ArrayList<>();
    for (TableInfo t : catalog.tables().values()) {
      java.util.Set<List<String>> keys = new java.util.LinkedHashSet<>();
      List<String> configured = config.settingsFor(t.name().qualified(), t.name().name()).key();
      if (!configured.isEmpty() && configured.stream().allMatch(c -> t.column(c).isPresent())) {
        keys.add(configured);
      }
      t.indexes().stream().filter(i -> i.unique() && !i.valid() && !i.expression() && !i.partial())
          .forEach(i -> keys.add(i.columns()));
      keys.forEach(key -> checks.add(duplicates(target, t, key)));
    }
    return Future.all(checks).map(v -> checks.stream().map(Future::result).filter(d -> d.groups() > 0).toList());
  }

  private static Future<Duplicate> duplicates(SqlClient target, TableInfo t, List<String> key) {
    String cols = key.stream().map(TableName::quote).collect(Collectors.joining(", "));
    return target.query("SELECT count(*) FROM (SELECT 1 FROM " + t.fromSql() + " GROUP BY " + cols
            + " HAVING count(*) > 1) d").execute()
        .map(rs -> new Duplicate(t.name().display(), key, rs.iterator().next().getLong(0)));
  }

  /** A foreign key wants an index whose leading columns are its columns: deletes and joins on the parent scan otherwise. */
  static List<UnindexedForeignKey> unindexed(Catalog catalog) {
    List<UnindexedForeignKey> out = new ArrayList<>();
    for (TableInfo t : catalog.tables().values()) {
      for (ForeignKey fk : t.foreignKeys()) {
        boolean covered = t.indexes().stream().filter(i -> !i.partial() && i.valid()).map(IndexInfo::columns)
            .anyMatch(cols -> cols.size() >= fk.columns().size()
                && cols.subList(0, fk.columns().size()).containsAll(fk.columns()));
        if (!covered) {
          out.add(new UnindexedForeignKey(t.name().display(), fk.name(), fk.columns(), "CREATE INDEX CONCURRENTLY ON "
              + t.name().sql() + " (" + fk.columns().stream().map(TableName::quote).collect(Collectors.joining(", ")) + ")"));
        }
      }
    }
    return out;
  }

  private static Future<List<Size>> largest(SqlClient target) {
    return target.query("""
        SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname), greatest(c.reltuples, 0)::bigint,
               pg_total_relation_size(c.oid), pg_size_pretty(pg_total_relation_size(c.oid))
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relkind IN ('r', 'p') AND NOT c.relispartition
          AND n.nspname NOT LIKE 'pg\\_%' AND n.nspname NOT IN ('information_schema', 'ferry', 'ferry_backup', 'ferry_stage')
        ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 10""").execute()
        .map(rs -> {
          List<Size> out = new ArrayList<>();
          rs.forEach(r -> out.add(new Size(r.getString(0), r.getLong(1), r.getLong(2), r.getString(3))));
          return out;
        });
  }
}
