package dev.ferry.statements;

import dev.ferry.catalog.TableName;
import dev.ferry.plan.TablePlan;
import java.util.Map;

/**
 * Every statement Ferry sends for one table, by purpose. Values always travel as parameters cast on the server to
 * the column's type; identifiers come from the catalog and are always quoted. Nothing a request carries is
 * concatenated into SQL.
 */
public record TableStatements(ReadStatements reads, RangeStatements ranges, WriteStatements writes,
    DigestStatements digests) {

  /**
   * @param plans    every table of the run (foreign keys into natural-key tables hash as the parent's key)
   * @param fastHash both servers are PostgreSQL 14+ (see {@link DigestStatements})
   */
  public static TableStatements of(TablePlan plan, Map<TableName, TablePlan> plans, boolean fastHash) {
    DigestStatements digests = new DigestStatements(plan, plans, fastHash);
    return new TableStatements(new ReadStatements(plan, digests), new RangeStatements(plan, digests),
        new WriteStatements(plan), digests);
  }

  /** The upsert that also returns the digest of the rows it wrote (see {@link WriteStatements#upsertDigested}). */
  public String upsertDigested() {
    return writes.upsertDigested(digests.targetDigestOf("w"));
  }
}
