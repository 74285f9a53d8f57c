package dev.ferry.sync;

import dev.ferry.catalog.ForeignKey;
import dev.ferry.plan.Mode;
import dev.ferry.plan.TablePlan;
import dev.ferry.result.RunSummary;
import dev.ferry.statements.DigestStatements;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Phase 6: per table, counts and content digests on both sides, and orphaned foreign keys on the target. */
final class Validation {
  private Validation() {}

  static Future<List<RunSummary.ValidationResult>> run(RunContext ctx, List<TablePlan> plans, TableStates states) {
    List<RunSummary.ValidationResult> results = Collections.synchronizedList(new ArrayList<>());
    List<TablePlan> checked = plans.stream().filter(p -> !states.get(p.name()).failedOrRefused()).toList();
    return Bounded.forEach(checked, ctx.config.poolSize(), p -> table(ctx, states.get(p.name())).onSuccess(results::add))
        .map(v -> checked.stream().map(p -> results.stream()
            .filter(r -> r.table().equals(p.name().display())).findFirst().orElse(null))
            .filter(r -> r != null).toList());
  }

  private static Future<RunSummary.ValidationResult> table(RunContext ctx, TableState state) {
    TablePlan plan = state.plan();
    Future<Digests> digests = Digests.of(ctx, state);
    Future<Long> orphans = orphans(ctx, plan);
    return Future.all(digests, orphans).map(v -> {
      long sn = digests.result().sourceRows();
      long tn = digests.result().targetRows();
      String sd = digests.result().source();
      String td = digests.result().target();
      long o = orphans.result();
      boolean ok = sn == tn && sd.equals(td) && o == 0;
      String claimRun = state.evidence().claimRun();
      int kept = state.evidence().kept().count();
      String detail = ok ? "match" + (kept == 0 ? "" : ", with " + kept + " row" + (kept == 1 ? "" : "s")
          + (ctx.direction.pull() ? " only this database has, kept" : " production changed kept as production left them")) + (claimRun == null ? ""
          : " (rows no transaction has touched since run " + claimRun + " verified them were not hashed again)") : sn != tn ? "row counts differ (source " + sn + ", target " + tn + ")"
          + (tn > sn && ctx.options.mode() == Mode.INCREMENTAL ? ": incremental never deletes, so rows the source"
              + " deleted stay on the target; --mode mirror deletes them" : "")
          : !sd.equals(td) ? "same row count but contents differ" : o + " rows reference missing parents";
      return new RunSummary.ValidationResult(plan.name().display(), sn, tn, sd, td, o, ok, detail);
    }).recover(err -> Future.succeededFuture(new RunSummary.ValidationResult(plan.name().display(), -1, -1, null,
        null, -1, false, "validation failed: " + err.getMessage())));
  }

  /** Orphans where the target does not rule them out itself: keys NOT VALID or with their triggers disabled. */
  private static Future<Long> orphans(RunContext ctx, TablePlan plan) {
    Future<Long> sum = Future.succeededFuture(0L);
    for (ForeignKey fk : plan.target().foreignKeys().stream().filter(fk -> !fk.enforced()).toList()) {
      sum = sum.compose(n -> ctx.target.pool().query(DigestStatements.orphans(fk, plan.target().fromSql())).execute()
          .map(rs -> n + rs.iterator().next().getLong(0)));
    }
    return sum;
  }
}
