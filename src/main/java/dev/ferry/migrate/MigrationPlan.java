package dev.ferry.migrate;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * What {@code migrate} would do on one database: the pending migrations with their lint findings, and the applied
 * ones whose files no longer match (which stop everything until restored or repaired). The CLI and the API decide
 * from it alike.
 */
public record MigrationPlan(List<Migrations.Pending> pending, List<String> invalid) {

  /** Reads the plan (Flyway, blocking: call it on a worker thread). */
  public static MigrationPlan of(Migrations migrations) {
    return new MigrationPlan(migrations.pending(), migrations.validate());
  }

  /** A pending migration drops, truncates or deletes: running it needs confirmation. */
  public boolean destructive() {
    return pending.stream().anyMatch(p -> p.findings().stream().anyMatch(MigrationLint.Finding::destructive));
  }

  /** The tables destructive statements name: backed up before the migrations run. */
  public List<String> destroyedTables() {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    pending.forEach(p -> p.findings().stream().filter(MigrationLint.Finding::destructive)
        .forEach(f -> out.addAll(f.tables())));
    return List.copyOf(out);
  }
}
