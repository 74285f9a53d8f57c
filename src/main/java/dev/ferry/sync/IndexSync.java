package dev.ferry.sync;

import dev.ferry.catalog.IndexInfo;
import dev.ferry.catalog.TableInfo;
import dev.ferry.catalog.TableName;
import dev.ferry.plan.TablePlan;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Phase 2: indexes the source has and the target lacks are created with CONCURRENTLY (outside any transaction,
 * so production keeps writing); target-only indexes are reported, and dropped only when asked.
 * Indexes that back constraints belong to the schema, not to this phase.
 */
final class IndexSync {

  record Change(String table, String ddl, boolean drop) {}

  private IndexSync() {}

  static List<Change> changes(List<TablePlan> plans, boolean dropExtra, List<String> notes) {
    List<Change> out = new ArrayList<>();
    for (TablePlan p : plans) {
      Map<String, IndexInfo> targetByShape = byShape(p.target());
      Set<String> targetNames = p.target().indexes().stream().map(IndexInfo::name).collect(Collectors.toSet());
      Map<String, IndexInfo> sourceByShape = byShape(p.source());
      for (IndexInfo i : sourceByShape.values()) {
        if (targetByShape.containsKey(i.shape())) {
          continue;
        }
        if (targetNames.contains(i.name())) {
          notes.add(p.name().display() + ": index " + i.name() + " differs between source and target; left as is");
          continue;
        }
        out.add(new Change(p.name().display(), createSql(i, p.target()), false));
      }
      for (IndexInfo i : targetByShape.values()) {
        if (!sourceByShape.containsKey(i.shape())) {
          if (dropExtra) {
            out.add(new Change(p.name().display(), "DROP INDEX " + (p.target().partitioned() ? "" : "CONCURRENTLY ")
                + "IF EXISTS " + quoteQualified(p.target(), i.name()), true));
          } else {
            notes.add(p.name().display() + ": index " + i.name()
                + " exists only on the target (kept; --drop-extra-indexes drops it)");
          }
        }
      }
    }
    return out;
  }

  /** Runs the DDL one statement at a time on the pool (no transaction: CONCURRENTLY needs that). */
  static Future<List<String>> apply(RunContext ctx, List<Change> changes) {
    List<String> failures = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (Change c : changes) {
      chain = chain.compose(v -> ctx.target.pool().query(c.ddl()).execute().<Void>mapEmpty().recover(err -> {
        failures.add(c.table() + ": " + c.ddl() + " failed: " + err.getMessage());
        return Future.succeededFuture();
      }));
    }
    return chain.map(v -> failures);
  }

  private static Map<String, IndexInfo> byShape(TableInfo t) {
    return t.indexes().stream().filter(i -> !i.backsConstraint() && i.valid())
        .collect(Collectors.toMap(IndexInfo::shape, Function.identity(), (a, b) -> a));
  }

  /** The source's definition, made concurrent and idempotent. Partitioned tables cannot index concurrently. */
  private static String createSql(IndexInfo i, TableInfo target) {
    String def = i.definition().replaceFirst(" ON ONLY ", " ON ");
    String concurrently = target.partitioned() ? "" : "CONCURRENTLY ";
    return def.replaceFirst("^CREATE (UNIQUE )?INDEX ", "CREATE $1INDEX " + concurrently + "IF NOT EXISTS ");
  }

  private static String quoteQualified(TableInfo t, String index) {
    return TableName.quote(t.name().schema()) + "." + TableName.quote(index);
  }
}
