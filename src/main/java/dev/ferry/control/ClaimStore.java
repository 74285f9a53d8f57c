package dev.ferry.control;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.vertx.core.json.JsonArray;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** {@code ferry.table_claims}: what verified runs recorded per table, for the next run to skip comparing. */
public final class ClaimStore {
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
   */
  public record StoredClaim(String source, String table, String runId, long sourceXmin, long targetXmin,
      List<Long> ferryXids, String fingerprint, List<List<String>> kept) {}

  /** Whether the target keeps claims at all (it has the control schema). */
  public static Future<Boolean> kept(SqlClient target) {
    return target.query("SELECT to_regclass('ferry.table_claims') IS NOT NULL").execute()
        .map(rs -> rs.iterator().next().getBoolean(0));
  }

  /** The claims recorded against {@code source}, by table. */
  public static Future<Map<String, StoredClaim>> load(SqlClient target, String source) {
    return target.preparedQuery("SELECT table_name, run_id, source_xmin, target_xmin, ferry_xids, fingerprint,"
        + " kept::text FROM ferry.table_claims WHERE source = $1").execute(Tuple.of(source)).map(rs -> {
          Map<String, StoredClaim> out = new HashMap<>();
          for (Row r : rs) {
            out.put(r.getString(0), new StoredClaim(source, r.getString(0), r.getString(1), r.getLong(2), r.getLong(3),
                List.of(r.getArrayOfLongs(4)), r.getString(5), keys(r.getString(6))));
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

  /** Records claims, each replacing the table's earlier one. */
  public static Future<Void> save(SqlClient target, List<StoredClaim> claims) {
    if (claims.isEmpty()) {
      return Future.succeededFuture();
    }
    List<Tuple> rows = claims.stream().map(c -> Tuple.from(List.of(c.source(), c.table(), c.fingerprint(),
        c.sourceXmin(), c.targetXmin(), c.ferryXids().toArray(Long[]::new), c.runId(),
        new JsonArray(c.kept().stream().map(k -> new JsonArray(new ArrayList<Object>(k))).toList()).encode()))).toList();
    return target.preparedQuery("INSERT INTO ferry.table_claims (source, table_name, fingerprint, source_xmin,"
            + " target_xmin, ferry_xids, run_id, kept) VALUES ($1, $2, $3, $4, $5, $6, $7, $8::text::jsonb)"
            + " ON CONFLICT (source, table_name) DO UPDATE SET fingerprint = excluded.fingerprint,"
            + " source_xmin = excluded.source_xmin, target_xmin = excluded.target_xmin, ferry_xids = excluded.ferry_xids,"
            + " run_id = excluded.run_id, kept = excluded.kept, verified_at = now()")
        .executeBatch(rows).mapEmpty();
  }
}
