package dev.ferry.control;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code ferry.table_claims}: what verified runs recorded per table, for the next run to skip comparing. */
public final class ClaimStore {
  /**
   * Which database a server session is in, as claims are recorded under it: the cluster's system identifier and the
   * database's oid (an SQL expression).
   */
  public static final String DATABASE_IDENTITY = "(SELECT system_identifier::text FROM pg_control_system()) || '/'"
      + " || (SELECT oid::text FROM pg_database WHERE datname = current_database())";

  private ClaimStore() {}

  /**
   * One recorded claim (see {@code sync.Claims} for what it proves).
   *
   * @param source      the source database's identity the claim was made against
   * @param table       the target table, quoted
   * @param sourceXmin  the source's transaction horizon when the verifying run started
   * @param targetXmin  the target's, likewise
   * @param ferryXids   the target transactions that run wrote the table with
   * @param kept        keys of rows production changed that runs kept as production left them
   * @param sourceSeen  source transactions at or after the horizon that had ended when the run started
   * @param targetSeen  the target's, likewise
   */
  public record StoredClaim(String source, String table, String runId, long sourceXmin, long targetXmin,
      List<Long> ferryXids, String fingerprint, List<List<String>> kept, List<Long> sourceSeen,
      List<Long> targetSeen) {
    /** The target transactions whose rows the claim covers besides those before its horizon: Ferry's and seen. */
    public List<Long> targetCovered() {
      List<Long> out = new ArrayList<>(ferryXids);
      out.addAll(targetSeen);
      return out;
    }
  }

  /** Whether the target keeps claims at all (it has the control schema). */
  public static Future<Boolean> kept(SqlClient target) {
    return target.query("SELECT to_regclass('ferry.table_claims') IS NOT NULL").execute()
        .map(rs -> rs.iterator().next().getBoolean(0));
  }

  /** The claims recorded against {@code source}, by table. */
  public static Future<Map<String, StoredClaim>> load(SqlClient target, String source) {
    return target.preparedQuery("SELECT table_name, run_id, source_xmin, target_xmin, ferry_xids, fingerprint,"
        + " kept::text, source_seen, target_seen FROM ferry.table_claims WHERE source = $1").execute(Tuple.of(source))
        .map(rs -> {
          Map<String, StoredClaim> out = new HashMap<>();
          for (Row r : rs) {
            out.put(r.getString(0), new StoredClaim(source, r.getString(0), r.getString(1), r.getLong(2), r.getLong(3),
                List.of(r.getArrayOfLongs(4)), r.getString(5), keys(r.getString(6)), List.of(r.getArrayOfLongs(7)),
                List.of(r.getArrayOfLongs(8))));
          }
          return out;
        });
  }

  private static List<List<String>> keys(String json) {
    List<List<String>> out = new ArrayList<>();
    for (Object key : new JsonArray(json)) {
      List<String> values = new ArrayList<>();
      ((JsonArray) key).forEach(v -> values.add(v == null ? null : v.toString()));
      out.add(values);
    }
    return out;
  }

  /** The target transactions Ferry wrote each table with since its last claim, by table (see {@link #wrote}). */
  public static Future<Map<String, List<Long>>> writes(SqlClient target, String source) {
    return target.query("SELECT to_regclass('ferry.table_writes') IS NOT NULL").execute()
        .compose(rs -> !rs.iterator().next().getBoolean(0) ? Future.succeededFuture(Map.<String, List<Long>>of())
            : target.preparedQuery("SELECT table_name, xids FROM ferry.table_writes WHERE source = $1")
                .execute(Tuple.of(source)).map(rows -> {
                  Map<String, List<Long>> out = new HashMap<>();
                  rows.forEach(r -> out.put(r.getString(0), List.of(r.getArrayOfLongs(1))));
                  return out;
                }));
  }

  /** Adds the transactions a run wrote these tables with (table → xids) to what no claim covers yet. */
  public static Future<Void> wrote(SqlClient target, String source, Map<String, List<Long>> xids) {
    if (xids.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = xids.entrySet().stream().map(e -> Tuple.tuple().addString(source).addString(e.getKey())
        .addArrayOfLong(e.getValue().toArray(Long[]::new))).toList();
    return target.preparedQuery("INSERT INTO ferry.table_writes (source, table_name, xids) VALUES ($1, $2, $3)"
        + " ON CONFLICT (source, table_name) DO UPDATE SET xids = ferry.table_writes.xids || excluded.xids")
        .executeBatch(rows).mapEmpty();
  }

  /** Records claims, each replacing the table's earlier one; what they now cover leaves {@code table_writes}. */
  public static Future<Void> save(SqlClient target, List<StoredClaim> claims) {
    if (claims.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = claims.stream().map(c -> Tuple.from(List.of(c.source(), c.table(), c.fingerprint(),
        c.sourceXmin(), c.targetXmin(), c.ferryXids().toArray(Long[]::new), c.runId(),
        new JsonArray(c.kept().stream().map(k -> new JsonArray(new ArrayList<Object>(k))).toList()).encode(),
        c.sourceSeen().toArray(Long[]::new), c.targetSeen().toArray(Long[]::new)))).toList();
    return target.preparedQuery("INSERT INTO ferry.table_claims (source, table_name, fingerprint, source_xmin,"
            + " target_xmin, ferry_xids, run_id, kept, source_seen, target_seen)"
            + " VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb, $9, $10)"
            + " ON CONFLICT (source, table_name) DO UPDATE SET fingerprint = excluded.fingerprint,"
            + " source_xmin = excluded.source_xmin, target_xmin = excluded.target_xmin, ferry_xids = excluded.ferry_xids,"
            + " run_id = excluded.run_id, kept = excluded.kept, source_seen = excluded.source_seen,"
            + " target_seen = excluded.target_seen, verified_at = now()")
        .executeBatch(rows)
        .compose(v -> target.preparedQuery("DELETE FROM ferry.table_writes WHERE source = $1 AND table_name = ANY($2)")
            .execute(Tuple.tuple().addString(claims.get(0).source())
                .addArrayOfString(claims.stream().map(StoredClaim::table).toArray(String[]::new))))
        .mapEmpty();
  }
}
