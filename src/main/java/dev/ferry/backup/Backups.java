package dev.ferry.backup;

import dev.ferry.catalog.Catalog;
import dev.ferry.catalog.CatalogReader;
import dev.ferry.catalog.Column;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.config.BackupSettings;
import dev.ferry.config.ConfigException;
import dev.ferry.config.FerryConfig;
import dev.ferry.control.BackupRegistry;
import dev.ferry.control.ControlSchema;
import dev.ferry.db.Database;
import dev.ferry.db.Sequences;
import dev.ferry.db.Side;
import dev.ferry.db.SqlState;
import dev.ferry.error.ErrorCode;
import dev.ferry.error.FerryException;
import dev.ferry.plan.TableOrder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Snapshots of whole tables, taken on the target itself: {@code CREATE TABLE ferry_backup.b<id>_<n> AS SELECT *}
 * for every table, in one REPEATABLE READ transaction (one consistent moment), recorded in {@code ferry.backups}.
 * A restore puts the rows back in one transaction (children emptied first, parents filled first), after taking a
 * backup of what it replaces.
 */
public final class Backups {
  /**
   * What one backup holds.
   *
   * @param deletedRowsOnly  tables of which only the rows a mirror run deleted were kept (restored by adding them back)
   * @param replacedRowsOnly tables of which only the rows a pull overwrote were kept (restored by key, over the
   *                         values the pull wrote)
   */
  public record Info(long id, Instant createdAt, String reason, String runId, Instant restoredAt,
      Map<TableName, Long> rowsByTable, Set<TableName> deletedRowsOnly, Set<TableName> replacedRowsOnly) {

    public long rows() {
      return rowsByTable.values().stream().mapToLong(Long::longValue).sum();
    }
  }

  private final Vertx vertx;
  /** The backup collecting a mirror run's deleted rows, created at its first delete. */
  private Future<Long> runBackup;
  private int copies;
  private final Map<TableName, Future<String>> runCopies = new java.util.HashMap<>();
  private final Database target;
  private final BackupSettings settings;

  public Backups(Vertx vertx, Database target, BackupSettings settings) {
    this.vertx = vertx;
    this.target = target;
    this.settings = settings;
  }

  /**
   * Opens the target in a session of its own (not an engine session: a restore fires the target's triggers, which
   * expect its usual search_path), runs {@code work} with its backups, closes it. Driver errors come back described.
   */
  public static <T> Future<T> onTarget(Vertx vertx, FerryConfig config, Function<Backups, Future<T>> work) {
    Database target = Database.open(vertx, Side.TARGET, config.requireTarget(), 2, config.connectTimeoutSeconds(), false);
    return work.apply(new Backups(vertx, target, config.backup()))
        .recover(err -> Future.failedFuture(err instanceof FerryException ? err : target.describe(err)))
        .eventually(target::close);
  }

  /** The ferry and ferry_backup schemas (Flyway, on a worker thread, when they are missing or behind). */
  private Future<Void> ready() {
    return ControlSchema.ensure(vertx, target.pool(), target.url());
  }

  /** Backs up {@code tables} (all user tables when empty); then old backups beyond the retention go. */
  public Future<Info> take(List<TableName> tables, String reason, String runId) {
    return take(tables, reason, runId, false).compose(id -> prune().compose(n -> get(id)));
  }

  /** As {@link #take}, skipping named tables that do not exist (a migration may be about to create them). */
  public Future<Info> takeExisting(List<TableName> tables, String reason) {
    return take(tables, reason, null, true).compose(id -> prune().compose(n -> get(id)));
  }

  /** Takes the backup; returns its id. Pruning is the caller's: a restore must not prune what it restores. */
  private Future<Long> take(List<TableName> tables, String reason, String runId, boolean lenient) {
    return ready().compose(v -> CatalogReader.read(target.pool())).compose(catalog -> {
      List<TableInfo> chosen = select(catalog, tables, lenient);
      return target.pool().withTransaction(conn -> conn.query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ").execute()
          .compose(x -> BackupRegistry.open(conn, reason, runId))
          .compose(id -> copyAll(conn, id, chosen)));
    });
  }

  /**
   * An empty copy of {@code table} in the run's backup: the run's deletes then move each row there in the same
   * statement ({@code WITH gone AS (DELETE … RETURNING *) INSERT INTO copy SELECT * FROM gone}).
   *
   * A pull's copy of the rows it is about to overwrite is filled the same way, just before it writes them.
   *
   * @param kind   {@code BackupRegistry.WHOLE_TABLE} (a keyless table replaced: restoring replaces it again),
   *               {@code DELETED_ROWS} (restored by adding them back) or {@code REPLACED_ROWS} (restored by key)
   * @param reason what the run's backup says it holds, when this is its first copy
   */
  public Future<String> runCopy(String runId, TableInfo table, String kind, String reason) {
    if (runBackup == null) {
      runBackup = ready().compose(v -> BackupRegistry.open(target.pool(), reason, runId));
    }
    // One copy per table and run: a pull's deletes go into the copy its overwrites opened (restored by key alike).
    return runCopies.computeIfAbsent(table.name(), t -> runBackup.compose(id -> {
      String copy = "ferry_backup.b" + id + "_" + (++copies);
      return target.pool().query("CREATE TABLE " + copy + " AS SELECT * FROM " + table.fromSql() + " WITH NO DATA").execute()
          .compose(v -> BackupRegistry.add(target.pool(), id, new BackupRegistry.Copy(table.name(), copy, kind, 0)))
          .map(copy);
    }));
  }

  /** Drops a backup the run that took it turned out not to need (it changed nothing). */
  public Future<Void> discard(long id) {
    return drop(id);
  }

  /** Drops this run's deleted-rows backup if none of its copies holds a row (every delete rolled back); its id. */
  public Future<java.util.Optional<Long>> discardEmptyRunBackup() {
    if (runBackup == null) {
      return Future.succeededFuture(java.util.Optional.empty());
    }
    return runBackup.compose(id -> BackupRegistry.copies(target.pool(), id)
        .compose(copies -> {
          List<String> probes = copies.values().stream().map(c -> "SELECT 1 FROM " + c).toList();
          return probes.isEmpty() ? Future.succeededFuture(false) : target.pool().query(
              "SELECT EXISTS (" + String.join(" UNION ALL ", probes) + ")").execute()
              .map(rs -> rs.iterator().next().getBoolean(0));
        })
        .compose(anyRows -> anyRows ? Future.succeededFuture(java.util.Optional.<Long>empty())
            : drop(id).map(v -> java.util.Optional.of(id))));
  }

  /** Records how many rows a deleted-rows copy ended up with (after its transaction committed). */
  public Future<Void> counted(String copy) {
    return BackupRegistry.counted(target.pool(), copy);
  }

  private static List<TableInfo> select(Catalog catalog, List<TableName> tables, boolean lenient) {
    if (tables.isEmpty()) {
      return new ArrayList<>(catalog.tables().values());
    }
    List<TableInfo> out = new ArrayList<>();
    for (TableName pattern : tables) {
      List<TableInfo> found = catalog.tables().values().stream().filter(t -> pattern.matches(t.name())).toList();
      if (found.isEmpty() && !lenient) {
        throw new ConfigException("--tables", "no table " + pattern.display() + " on the target");
      }
      found.stream().filter(t -> !out.contains(t)).forEach(out::add);
    }
    return out;
  }

  private Future<Long> copyAll(SqlConnection conn, long id, List<TableInfo> tables) {
    Future<Void> chain = Future.succeededFuture();
    for (int i = 0; i < tables.size(); i++) {
      TableInfo t = tables.get(i);
      String copy = "ferry_backup.b" + id + "_" + (i + 1);
      chain = chain.compose(v -> conn.query("CREATE TABLE " + copy + " AS SELECT * FROM " + t.fromSql()).execute()
          .compose(rs -> BackupRegistry.add(conn, id, new BackupRegistry.Copy(t.name(), copy, BackupRegistry.WHOLE_TABLE,
              rs.rowCount()))));
    }
    return chain.map(id);
  }

  public Future<List<Info>> list() {
    return ready().compose(v -> BackupRegistry.list(target.pool()))
        .map(entries -> entries.stream().map(Backups::info).toList());
  }

  public Future<Info> get(long id) {
    return list().map(all -> all.stream().filter(b -> b.id() == id).findFirst()
        .orElseThrow(() -> new FerryException(ErrorCode.NOT_FOUND, "no backup #" + id + " on the target (`ferry backups`"
            + " or GET /api/v1/backups lists them)")));
  }

  /**
   * How many rows each of the backup's tables holds now: what a restore would replace (a preview's figures); a table
   * that no longer exists has none.
   */
  public Future<Map<TableName, Long>> currentRows(Info backup) {
    Map<TableName, Long> out = new LinkedHashMap<>();
    Future<Void> chain = Future.succeededFuture();
    for (TableName t : backup.rowsByTable().keySet()) {
      chain = chain.compose(v -> target.pool().query("SELECT count(*) FROM " + t.sql()).execute()
          .map(rs -> rs.iterator().next().getLong(0))
          .recover(err -> SqlState.is(err, SqlState.UNDEFINED_TABLE)
              ? Future.succeededFuture(null) : Future.failedFuture(err))
          .map(n -> {
            out.put(t, n);
            return null;
          }));
    }
    return chain.map(v -> out);
  }

  /** The newest backup taken for a sync run, if it took one. */
  public Future<Info> forRun(String runId) {
    return list().map(all -> all.stream().filter(b -> runId.equals(b.runId())).findFirst()
        .orElseThrow(() -> new FerryException(ErrorCode.NOT_FOUND, "run " + runId + " took no backup: Ferry backs up"
            + " before rebuild and force runs (set backup.beforeSync: always to be able to roll back any run)")));
  }

  private static Info info(BackupRegistry.Entry e) {
    Map<TableName, Long> tables = new LinkedHashMap<>();
    Set<TableName> deletedRowsOnly = new HashSet<>();
    Set<TableName> replacedRowsOnly = new HashSet<>();
    for (BackupRegistry.Copy c : e.copies()) {
      tables.merge(c.table(), c.rows(), Long::sum);
      if (BackupRegistry.DELETED_ROWS.equals(c.kind())) {
        deletedRowsOnly.add(c.table());
      } else if (BackupRegistry.REPLACED_ROWS.equals(c.kind())) {
        replacedRowsOnly.add(c.table());
      }
    }
    return new Info(e.id(), e.createdAt(), e.reason(), e.runId(), e.restoredAt(), tables, deletedRowsOnly,
        replacedRowsOnly);
  }

  /**
   * Puts backup {@code id} back: the current contents of its tables are backed up first, then, in one transaction,
   * each table is emptied (children first) and refilled from the copy (parents first); sequences move up.
   */
  public Future<Info> restore(long id) {
    return get(id).compose(backup -> {
      List<TableName> names = List.copyOf(backup.rowsByTable().keySet());
      return refuseCascades(names)
          .compose(v -> take(names, "before restoring backup #" + id, null, false))
          .compose(safety -> CatalogReader.read(target.pool()))
          .compose(catalog -> replace(backup, catalog, names))
          .compose(v -> BackupRegistry.restored(target.pool(), id))
          .compose(v -> get(id))
          .compose(info -> prune().map(info));
    });
  }

  /**
   * Emptying a table to refill it would cascade into tables outside the backup (ON DELETE CASCADE / SET NULL /
   * SET DEFAULT), changing rows nothing puts back: refuse, naming them.
   */
  private Future<Void> refuseCascades(List<TableName> names) {
    String[] tables = names.stream().map(TableName::sql).toArray(String[]::new);
    return target.pool().preparedQuery("SELECT DISTINCT conrelid::regclass::text FROM pg_constraint WHERE contype = 'f'"
            + " AND confdeltype IN ('c', 'n', 'd') AND confrelid = ANY($1::text[]::regclass[]) AND conrelid <> ALL($1::text[]::regclass[])")
        .execute(Tuple.of((Object) tables))
        .compose(rs -> {
          if (rs.size() == 0) {
            return Future.succeededFuture();
          }
          List<String> outside = new ArrayList<>();
          rs.forEach(r -> outside.add(r.getString(0)));
          return Future.failedFuture(new ConfigException("restore", "emptying these tables would cascade into " + outside
              + " (ON DELETE CASCADE / SET NULL), which this backup does not hold; take a backup that includes them"
              + " (`ferry backup --tables …`) or restore by hand"));
        });
  }

  /** Whole-table backups replace the tables' rows; a deleted-rows backup only adds its rows back. */
  private Future<Void> replace(Info backup, Catalog catalog, List<TableName> names) {
    long id = backup.id();
    List<TableInfo> tables = new ArrayList<>();
    for (TableName n : names) {
      tables.add(catalog.table(n).orElseThrow(() -> new ConfigException("backup", "table " + n.display()
          + " no longer exists on the target; re-create it before restoring")));
    }
    List<List<TableName>> levels = TableOrder.of(tables).levels();
    List<TableName> parentsFirst = levels.stream().flatMap(List::stream).toList();
    List<TableName> childrenFirst = new ArrayList<>(parentsFirst);
    Collections.reverse(childrenFirst);
    return target.pool().withTransaction(conn -> conn.query("SET CONSTRAINTS ALL DEFERRED").execute()
        .compose(v -> BackupRegistry.copies(conn, id))
        .compose(copies -> {
          Future<Void> chain = Future.succeededFuture();
          for (TableName t : childrenFirst.stream().filter(x -> !backup.deletedRowsOnly().contains(x)
              && !backup.replacedRowsOnly().contains(x)).toList()) {
            chain = chain.compose(v -> conn.query("DELETE FROM " + catalog.table(t).get().fromSql()).execute().mapEmpty());
          }
          for (TableName t : parentsFirst) {
            TableInfo info = catalog.table(t).get();
            String copy = copies.get(t);
            chain = chain.compose(v -> copyColumns(conn, copy).compose(cols -> {
              List<String> columns = info.writableColumns().stream().map(Column::name).filter(cols::contains).toList();
              String list = columns.stream().map(TableName::quote).collect(Collectors.joining(", "));
              return conn.query("INSERT INTO " + t.sql() + " (" + list + ") OVERRIDING SYSTEM VALUE SELECT " + list
                  + " FROM " + copy + onConflict(backup, info, columns)).execute();
            })).compose(v -> Sequences.advance(conn, info)).mapEmpty();
          }
          return chain;
        }));
  }

  /**
   * Deleted rows are added back beside what is there; rows a pull overwrote get their old values back, by key (an
   * update, so rows that reference them are untouched); whole tables were emptied first.
   */
  private static String onConflict(Info backup, TableInfo table, List<String> columns) {
    if (backup.deletedRowsOnly().contains(table.name())) {
      return " ON CONFLICT DO NOTHING";
    }
    if (!backup.replacedRowsOnly().contains(table.name())) {
      return "";
    }
    List<String> key = !table.primaryKey().isEmpty() ? table.primaryKey()
        : table.uniqueKeys().stream().findFirst().orElseThrow(() -> new ConfigException("backup", "table "
            + table.name().display() + " has no key to put its replaced rows back by"));
    String set = columns.stream().filter(c -> !key.contains(c)).map(c -> TableName.quote(c) + " = EXCLUDED."
        + TableName.quote(c)).collect(Collectors.joining(", "));
    return " ON CONFLICT (" + key.stream().map(TableName::quote).collect(Collectors.joining(", ")) + ") DO "
        + (set.isEmpty() ? "NOTHING" : "UPDATE SET " + set);
  }

  private static Future<Set<String>> copyColumns(SqlConnection conn, String copy) {
    return conn.preparedQuery("SELECT attname FROM pg_attribute WHERE attrelid = $1::regclass AND attnum > 0"
        + " AND NOT attisdropped").execute(Tuple.of(copy))
        .map(rs -> {
          Set<String> cols = new java.util.HashSet<>();
          rs.forEach(r -> cols.add(r.getString(0)));
          return cols;
        });
  }

  /** Keeps the newest {@code keep} backups younger than {@code maxAgeDays}; returns how many went. */
  public Future<Integer> prune() {
    return BackupRegistry.expired(target.pool(), settings.keep(), settings.maxAgeDays())
        .compose(ids -> {
          Future<Void> chain = Future.succeededFuture();
          for (long id : ids) {
            chain = chain.compose(v -> drop(id));
          }
          return chain.map(ids.size());
        });
  }

  private Future<Void> drop(long id) {
    return target.pool().withTransaction(conn -> BackupRegistry.copies(conn, id)
        .compose(copies -> {
          Future<Void> chain = Future.succeededFuture();
          for (String copy : copies.values()) {
            chain = chain.compose(v -> conn.query("DROP TABLE IF EXISTS " + copy).execute().mapEmpty());
          }
          return chain;
        })
        .compose(v -> BackupRegistry.delete(conn, id)));
  }
}
