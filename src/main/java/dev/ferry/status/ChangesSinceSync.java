package dev.ferry.status;

import dev.ferry.catalog.Catalog;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.control.ClaimStore;
import dev.ferry.db.Database;
import dev.ferry.statements.RangeStatements;
import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Per table, what changed since the last verified sync (its claim, see {@code sync.Claims}): rows written on the
 * source since, rows written on production since by transactions that were not Ferry's, and rows changed on both.
 * Read-only: row headers and keys, nothing hashed. Deleted rows leave no row version and are not counted here (the
 * row counts show them). Only where a claim exists; a claim the next sync would find voided still counts here.
 */
final class ChangesSinceSync {
  private static final Logger LOG = LoggerFactory.getLogger(ChangesSinceSync.class);
  /** Keys read per side to find rows changed on both; beyond it "both" is not counted. */
  private static final int MAX_KEYS = 100_000;

  private ChangesSinceSync() {}

  static Future<Map<String, Status.Changes>> read(Database source, Database target, Catalog sc, Catalog tc) {
    return ClaimStore.kept(target.pool()).compose(kept -> !kept ? Future.succeededFuture(Map.<String, Status.Changes>of())
        : identity(source.pool()).compose(id -> ClaimStore.load(target.pool(), id))
            .compose(claims -> {
              Map<String, Status.Changes> out = new HashMap<>();
              Future<Void> chain = Future.succeededFuture();
              for (TableName n : sc.tables().keySet()) {
                ClaimStore.StoredClaim claim = claims.get(n.sql());
                TableInfo s = sc.tables().get(n);
                TableInfo t = tc.table(n).orElse(null);
                if (claim == null || t == null || s.primaryKey().isEmpty()) {
                  continue;
                }
                chain = chain.compose(v -> changes(source.pool(), target.pool(), s, t, claim)
                    .map(c -> out.put(n.display(), c)).mapEmpty());
              }
              return chain.map(v -> out);
            }))
        .otherwise(err -> {
          // Status goes on without the column; the log says why (claims are an addition, never a reason to fail).
          LOG.warn("changes since the last verified sync not counted: {}", err.toString());
          return Map.of();
        });
  }

  /** The source database's identity, as claims are recorded under it. */
  private static Future<String> identity(SqlClient db) {
    return db.query("SELECT " + ClaimStore.DATABASE_IDENTITY).execute().map(rs -> rs.iterator().next().getString(0));
  }

  private static Future<Status.Changes> changes(SqlClient source, SqlClient target, TableInfo s, TableInfo t,
      ClaimStore.StoredClaim claim) {
    Future<Set<String>> local = newer(source, s, claim.sourceXmin(), claim.sourceSeen());
    Future<Set<String>> production = newer(target, t, claim.targetXmin(), claim.targetCovered());
    return Future.all(local, production).map(v -> {
      Set<String> both = new HashSet<>(local.result());
      both.retainAll(production.result());
      boolean localCapped = local.result().size() >= MAX_KEYS;
      boolean productionCapped = production.result().size() >= MAX_KEYS;
      return new Status.Changes(claim.runId(), local.result().size(), production.result().size(),
          localCapped || productionCapped ? null : (long) both.size(), localCapped, productionCapped);
    });
  }

  /** Keys of the rows written after the horizon by a transaction not in {@code covered}: who changed what since. */
  private static Future<Set<String>> newer(SqlClient db, TableInfo table, long horizon, List<Long> covered) {
    String key = table.primaryKey().stream().map(c -> "t." + TableName.quote(c) + "::text")
        .collect(Collectors.joining(" || chr(1) || "));
    String[] xids = covered.stream().map(x -> Long.toString(x & 0xFFFFFFFFL)).toArray(String[]::new);
    return db.preparedQuery(RangeStatements.writtenSince(table.fromSql(), key, MAX_KEYS))
        .execute(Tuple.tuple().addString(Long.toString(horizon & 0xFFFFFFFFL)).addArrayOfString(xids)).map(rs -> {
          Set<String> keys = new HashSet<>();
          rs.forEach(r -> keys.add(r.getString(0)));
          return keys;
        });
  }
}
