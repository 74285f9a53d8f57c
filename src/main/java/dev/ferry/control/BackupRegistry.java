package dev.ferry.control;

import dev.ferry.catalog.TableName;
import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code ferry.backups} and {@code ferry.backup_tables}: which backups exist and which copy in
 * {@code ferry_backup} holds which table. Every method takes the client to use, so that a backup's registry rows
 * join the transaction that takes its copies.
 */
public final class BackupRegistry {
  /** A copy holding a whole table (a restore replaces the table's rows). */
  public static final String WHOLE_TABLE = "table";
  /** A copy holding only the rows a mirror run deleted (a restore adds them back). */
  public static final String DELETED_ROWS = "deleted rows";
  /** A copy holding the rows a pull overwrote, as they were (a restore puts their old values back, by key). */
  public static final String REPLACED_ROWS = "replaced rows";

  private BackupRegistry() {}

  /** One table's copy in a backup. */
  public record Copy(TableName table, String copyName, String kind, long rows) {}

  /** One backup as registered. */
  public record Entry(long id, Instant createdAt, String reason, String runId, Instant restoredAt, List<Copy> copies) {}

  /** Registers a new backup; its id. */
  public static Future<Long> open(SqlClient db, String reason, String runId) {
    return db.preparedQuery("INSERT INTO ferry.backups (reason, run_id) VALUES ($1, $2::uuid) RETURNING id")
        .execute(Tuple.of(reason, runId)).map(rs -> rs.iterator().next().getLong(0));
  }

  public static Future<Void> add(SqlClient db, long id, Copy copy) {
    return db.preparedQuery("INSERT INTO ferry.backup_tables VALUES ($1, $2, $3, $4, $5, $6)")
        .execute(Tuple.of(id, copy.table().schema(), copy.table().name(), copy.copyName(), copy.rows(), copy.kind()))
        .mapEmpty();
  }

  /** Records how many rows a copy holds now (a deleted-rows copy, after its transaction committed). */
  public static Future<Void> counted(SqlClient db, String copyName) {
    return db.preparedQuery("UPDATE ferry.backup_tables SET rows = (SELECT count(*) FROM " + copyName + ")"
        + " WHERE copy_name = $1").execute(Tuple.of(copyName)).mapEmpty();
  }

  /** The copies of backup {@code id}, by table. */
  public static Future<Map<TableName, String>> copies(SqlClient db, long id) {
    return db.preparedQuery("SELECT schema_name, table_name, copy_name FROM ferry.backup_tables WHERE backup_id = $1")
        .execute(Tuple.of(id)).map(rows -> {
          Map<TableName, String> out = new LinkedHashMap<>();
          rows.forEach(r -> out.put(new TableName(r.getString(0), r.getString(1)), r.getString(2)));
          return out;
        });
  }

  /** Every backup, newest first. */
  public static Future<List<Entry>> list(SqlClient db) {
    return db.query("""
        SELECT b.id, b.created_at::text, b.reason, b.run_id::text, b.restored_at::text,
               coalesce(array_agg(t.kind ORDER BY t.schema_name, t.table_name) FILTER (WHERE t.table_name IS NOT NULL), '{}'),
               coalesce(array_agg(t.schema_name ORDER BY t.schema_name, t.table_name) FILTER (WHERE t.table_name IS NOT NULL), '{}'),
               coalesce(array_agg(t.table_name ORDER BY t.schema_name, t.table_name) FILTER (WHERE t.table_name IS NOT NULL), '{}'),
               coalesce(array_agg(t.rows ORDER BY t.schema_name, t.table_name) FILTER (WHERE t.table_name IS NOT NULL), '{}'),
               coalesce(array_agg(t.copy_name ORDER BY t.schema_name, t.table_name) FILTER (WHERE t.table_name IS NOT NULL), '{}')
        FROM ferry.backups b LEFT JOIN ferry.backup_tables t ON t.backup_id = b.id
        GROUP BY b.id ORDER BY b.id DESC""").execute()
        .map(rows -> {
          List<Entry> out = new ArrayList<>();
          rows.forEach(r -> out.add(entry(r)));
          return out;
        });
  }

  private static Entry entry(Row r) {
    String[] kinds = r.getArrayOfStrings(5);
    String[] schemas = r.getArrayOfStrings(6);
    String[] names = r.getArrayOfStrings(7);
    Long[] rows = r.getArrayOfLongs(8);
    String[] copyNames = r.getArrayOfStrings(9);
    List<Copy> copies = new ArrayList<>();
    for (int i = 0; i < names.length; i++) {
      copies.add(new Copy(new TableName(schemas[i], names[i]), copyNames[i], kinds[i], rows[i]));
    }
    return new Entry(r.getLong(0), ts(r.getString(1)), r.getString(2), r.getString(3), ts(r.getString(4)), copies);
  }

  private static Instant ts(String pg) {
    return pg == null ? null : OffsetDateTime.parse(pg.replace(' ', 'T'),
        DateTimeFormatter.ISO_OFFSET_DATE_TIME.withResolverStyle(ResolverStyle.LENIENT)).toInstant();
  }

  /**
   * The newest backup in a line ("#12 at 2026-12-04 10:00:00 (before rebuild sync)"), or null if there is none or
   * no control schema; read-only, it creates nothing.
   */
  public static Future<String> latest(SqlClient db) {
    return db.query("SELECT to_regclass('ferry.backups') IS NOT NULL").execute()
        .compose(rs -> !rs.iterator().next().getBoolean(0) ? Future.succeededFuture(null)
            : db.query("SELECT '#' || id || ' at ' || created_at::timestamp(0) || ' (' || reason || ')'"
                + " FROM ferry.backups ORDER BY id DESC LIMIT 1").execute()
                .map(r -> r.size() == 0 ? null : r.iterator().next().getString(0)));
  }

  public static Future<Void> restored(SqlClient db, long id) {
    return db.preparedQuery("UPDATE ferry.backups SET restored_at = now() WHERE id = $1").execute(Tuple.of(id))
        .mapEmpty();
  }

  /** Backups beyond the newest {@code keep}, or older than {@code maxAgeDays}. */
  public static Future<List<Long>> expired(SqlClient db, int keep, int maxAgeDays) {
    return db.preparedQuery("""
        SELECT id FROM ferry.backups WHERE id NOT IN (SELECT id FROM ferry.backups ORDER BY id DESC LIMIT $1)
           OR created_at < now() - make_interval(days => $2)""")
        .execute(Tuple.of(keep, maxAgeDays)).map(rows -> {
          List<Long> ids = new ArrayList<>();
          rows.forEach(r -> ids.add(r.getLong(0)));
          return ids;
        });
  }

  /** Removes backup {@code id} from the registry (its copies are the caller's to drop, in the same transaction). */
  public static Future<Void> delete(SqlClient db, long id) {
    return db.preparedQuery("DELETE FROM ferry.backups WHERE id = $1").execute(Tuple.of(id)).mapEmpty();
  }
}
