package dev.ferry.status;

import java.util.List;

/** Both databases side by side: reachability, then per-table row counts, then what to do about it. */
public record Status(Endpoint source, Endpoint target, List<TableCounts> tables, String recommendation, boolean inSync,
    Schema schema) {

  /**
   * Migration versions (Flyway's latest applied, null without history), schema drift (the first few differences
   * of {@code ferry diff}) and the target's newest backup.
   */
  public record Schema(String sourceMigration, String targetMigration, int differences, int destructive,
      List<String> sample, String lastBackup) {}

  /** One database: its redacted URL and either its server facts or why it could not be reached. */
  public record Endpoint(String url, boolean reachable, String version, boolean tls, double roundTripMs, String error) {}

  /**
   * Counts for a table; null where the table does not exist on that side. {@code changes}: what changed since the
   * last verified sync, null without one.
   */
  public record TableCounts(String table, Long source, Long target, Changes changes) {
    public boolean matches() {
      return source != null && source.equals(target);
    }

    TableCounts with(Changes since) {
      return new TableCounts(table, source, target, since);
    }
  }

  /**
   * Rows written since the last verified sync ({@code verifiedBy}): on the source, on production by transactions
   * that were not Ferry's, and on both (null when too many to compare). Deleted rows are not among them. A side
   * counted only up to a limit says so ({@code localCapped}, {@code productionCapped}): at least that many.
   */
  public record Changes(String verifiedBy, long local, long production, Long both, boolean localCapped,
      boolean productionCapped) {
    public Changes(String verifiedBy, long local, long production, Long both) {
      this(verifiedBy, local, production, both, false, false);
    }
  }
}
