package dev.ferry.sync;

import dev.ferry.catalog.TableName;
import dev.ferry.plan.TablePlan;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A GIN index takes new entries into a pending list, merged into the index whenever the list outgrows
 * {@code gin_pending_list_limit} (4 MB by default), by whichever insert finds it full. On a re-sync's 30,000 updates
 * of a table with a jsonb GIN index those repeated merges were 40% of the write (3.4–4.1 s; 2.1 s without the
 * index). Inside its write transaction Ferry raises the limit (2.4 s) and merges once (0.6–1.2 s): right after the
 * commit, on the same session, while the run deletes and validates (the run ends after it), or, at a large copy's
 * checkpoint, before the commit. The index is left with no more pending entries than before, so production's next
 * insert does not pay for Ferry's (an insert that finds the merge under way goes on without it). Only where the
 * session may merge every GIN index of the tables ({@code gin_clean_pending_list} needs the index's owner);
 * otherwise nothing changes. Statements for the simple protocol, each ending in "; ", empty when the tables have no
 * GIN index.
 */
record GinPending(String raise, String merge) {
  static final GinPending NONE = new GinPending("", "");
  /** The raised limit, in kB: room for the entries of some 50,000 rows of a few jsonb keys each. */
  private static final int LIMIT_KB = 65_536;

  static GinPending of(RunContext ctx, List<TableName> tables) {
    if (ctx.options.dryRun()) {
      return NONE;
    }
    String written = tables.stream().filter(t -> hasGin(ctx.plans.get(t)))
        .map(t -> "'" + t.sql().replace("'", "''") + "'::pg_catalog.regclass").collect(Collectors.joining(", "));
    if (written.isEmpty()) {
      return NONE;
    }
    String gin = "SELECT i.indexrelid, pg_catalog.pg_has_role(c.relowner, 'USAGE') AS owned FROM pg_catalog.pg_index i"
        + " JOIN pg_catalog.pg_class c ON c.oid = i.indexrelid JOIN pg_catalog.pg_am a ON a.oid = c.relam"
        + " WHERE a.amname = 'gin' AND c.relkind = 'i' AND i.indrelid IN (" + written + ")";
    return new GinPending(
        "SELECT pg_catalog.set_config('gin_pending_list_limit', '" + LIMIT_KB + "', true) WHERE NOT EXISTS ("
            + "SELECT FROM (" + gin + ") g WHERE NOT g.owned); ",
        "SELECT pg_catalog.gin_clean_pending_list(g.indexrelid) FROM (" + gin + ") g WHERE NOT EXISTS ("
            + "SELECT FROM (" + gin + ") n WHERE NOT n.owned); ");
  }

  /** A partitioned table's GIN indexes are its partitions': left alone. */
  private static boolean hasGin(TablePlan plan) {
    return plan != null && !plan.target().partitioned()
        && plan.target().indexes().stream().anyMatch(i -> i.definition().contains(" USING gin "));
  }
}
