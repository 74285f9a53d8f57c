package dev.ferry.status;

import dev.ferry.catalog.Catalog;
import dev.ferry.catalog.CatalogReader;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.control.BackupRegistry;
import dev.ferry.db.Database;
import dev.ferry.db.ServerInfo;
import dev.ferry.schema.Change;
import dev.ferry.schema.Drift;
import dev.ferry.statements.ReadStatements;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/** Seed 001's `status`: are both databases reachable, and do their tables hold the same number of rows? */
public final class StatusCheck {
  private StatusCheck() {}

  public static Future<Status.Endpoint> probe(Database db) {
    return db.connect()
        .compose(conn -> ServerInfo.probe(conn).eventually(conn::close))
        .map(info -> new Status.Endpoint(db.url().redacted(), true, info.version(), info.tls(), info.roundTripMs(), null))
        .recover(err -> Future.succeededFuture(new Status.Endpoint(db.url().redacted(), false, null, false, 0,
            db.describe(err).getMessage())));
  }

  public static Future<Status> check(Database source, Database target) {
    Future<Status.Endpoint> s = probe(source);
    Future<Status.Endpoint> t = probe(target);
    return Future.join(s, t).transform(x -> {
      if (!s.result().reachable() || !t.result().reachable()) {
        return Future.succeededFuture(new Status(s.result(), t.result(), List.of(),
            "fix the connection first (see the error above), then run `ferry test-connection`", false, null));
      }
      Future<Catalog> sc = CatalogReader.read(source.pool());
      Future<Catalog> tc = CatalogReader.read(target.pool());
      Future<Status.Schema> schema = schema(source, target);
      return Future.all(sc, tc).compose(v -> Future.all(counts(source, target, sc.result(), tc.result()),
              ChangesSinceSync.read(source, target, sc.result(), tc.result()))
              .map(w -> w.<List<Status.TableCounts>>resultAt(0).stream()
                  .map(c -> c.with(w.<Map<String, Status.Changes>>resultAt(1).get(c.table()))).toList()))
          .compose(tables -> schema.map(sch -> new Status(s.result(), t.result(), tables, recommend(tables),
              tables.stream().allMatch(StatusCheck::settled), sch)));
    });
  }

  private static Future<List<Status.TableCounts>> counts(Database source, Database target, Catalog sc, Catalog tc) {
    TreeSet<TableName> names = new TreeSet<>(sc.tables().keySet());
    names.addAll(tc.tables().keySet());
    List<Future<Status.TableCounts>> rows = new ArrayList<>();
    for (TableName n : names) {
      Future<Long> a = count(source, sc.table(n).orElse(null));
      Future<Long> b = count(target, tc.table(n).orElse(null));
      rows.add(Future.all(a, b).map(v -> new Status.TableCounts(n.display(), a.result(), b.result(), null)));
    }
    return Future.all(rows).map(v -> rows.stream().map(Future::result).toList());
  }

  /** Needs engine sessions on both sides (names then print identically; see SchemaReader). */
  private static Future<Status.Schema> schema(Database source, Database target) {
    Future<List<Change>> drift = Drift.compare(source, target);
    Future<String> sv = migration(source);
    Future<String> tv = migration(target);
    Future<String> backup = BackupRegistry.latest(target.pool());
    return Future.all(List.of(drift, sv, tv, backup)).map(v -> {
      List<Change> changes = drift.result();
      return new Status.Schema(sv.result(), tv.result(), changes.size(),
          (int) changes.stream().filter(Change::destructive).count(),
          changes.stream().limit(5).map(c -> c.object() + ": " + c.description()).toList(), backup.result());
    });
  }

  /** Flyway's newest applied version, read from its history table (null when there is none). */
  private static Future<String> migration(Database db) {
    return ifExists(db, "public.flyway_schema_history", "SELECT version FROM public.flyway_schema_history"
        + " WHERE success AND version IS NOT NULL ORDER BY installed_rank DESC LIMIT 1");
  }

  /** The first column of {@code sql}'s first row, or null when {@code table} (or the row) does not exist. */
  private static Future<String> ifExists(Database db, String table, String sql) {
    return db.pool().query("SELECT to_regclass('" + table + "') IS NOT NULL").execute()
        .compose(rs -> !rs.iterator().next().getBoolean(0) ? Future.succeededFuture(null)
            : db.pool().query(sql).execute().map(r -> r.size() == 0 ? null : r.iterator().next().getString(0)));
  }

  private static Future<Long> count(Database db, TableInfo table) {
    if (table == null) {
      return Future.succeededFuture(null);
    }
    return db.pool().query(ReadStatements.count(table.fromSql())).execute().map(rs -> rs.iterator().next().getLong(0));
  }

  /** Counts that match, and nothing changed on either side since the last verified sync. */
  private static boolean settled(Status.TableCounts t) {
    return t.matches() && (t.changes() == null || t.changes().production() == 0 && t.changes().local() == 0);
  }

  static String recommend(List<Status.TableCounts> tables) {
    List<String> missing = tables.stream().filter(t -> t.source() != null && t.target() == null).map(Status.TableCounts::table).toList();
    if (!missing.isEmpty()) {
      return "tables missing on the target: " + missing + " — apply your migrations to the target first";
    }
    List<String> ahead = tables.stream().filter(t -> t.source() != null && t.target() != null && t.target() > t.source())
        .map(Status.TableCounts::table).toList();
    if (!ahead.isEmpty()) {
      return "the target has more rows in " + ahead + ": incremental sync will refuse these; check them, then use "
          + "`ferry sync --mode mirror` or `--mode rebuild --confirm-destructive`";
    }
    List<String> edited = tables.stream().filter(t -> t.changes() != null && t.changes().production() > 0)
        .map(Status.TableCounts::table).toList();
    if (!edited.isEmpty()) {
      return "production changed rows in " + edited + " since the last verified sync: `ferry sync` refuses to write"
          + " over them and lists them; `ferry sync --on-production-edit keep` keeps production's version,"
          + " `--on-production-edit overwrite` replaces it";
    }
    List<String> changed = tables.stream().filter(t -> t.changes() != null && t.changes().local() > 0)
        .map(Status.TableCounts::table).toList();
    if (tables.stream().allMatch(Status.TableCounts::matches)) {
      return changed.isEmpty() ? "row counts match; `ferry sync --dry-run` shows whether any row content differs"
          : "row counts match, but rows changed locally in " + changed + " since the last verified sync:"
              + " `ferry sync --dry-run` previews what a sync writes, `ferry sync` copies them";
    }
    return "row counts differ: run `ferry sync --dry-run` to preview, then `ferry sync`";
  }
}
