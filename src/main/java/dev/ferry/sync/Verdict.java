package dev.ferry.sync;

import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.TableResult;
import java.util.ArrayList;
import java.util.List;

/** A run's status and the one line that says it, from what its tables, validation and error were. */
record Verdict(RunStatus status, String message) {

  /** What the verdict is drawn from; {@code error} and {@code errorMessage} are null for a run that completed. */
  record Facts(List<TableResult> tables, List<RunSummary.ValidationResult> validation, List<String> wouldRefuse,
      boolean cancelRequested, Throwable error, String errorMessage, boolean validateOnly, boolean dryRun) {}

  static Verdict of(Facts f) {
    List<TableResult> tables = f.tables();
    long failed = count(tables, TableResult.Outcome.FAILED);
    long refused = count(tables, TableResult.Outcome.REFUSED);
    long cancelled = count(tables, TableResult.Outcome.SKIPPED);
    long mismatched = f.validation().stream().filter(v -> !v.matches()).count();
    RunStatus failedAs = f.error() == null ? null : Failures.run(f.error());
    if (failedAs == RunStatus.CANCELLED || (f.error() == null && (cancelled > 0 || f.cancelRequested()))) {
      return new Verdict(RunStatus.CANCELLED, cancelledLine(tables, cancelled, f.dryRun()));
    }
    if (failedAs != null) {
      return new Verdict(failedAs, f.errorMessage());
    }
    if (!f.wouldRefuse().isEmpty()) {
      return new Verdict(RunStatus.REFUSED, "dry run: a real run would refuse (nothing was written): "
          + String.join("\n", f.wouldRefuse()));
    }
    if (refused > 0) {
      return new Verdict(RunStatus.REFUSED, String.join("\n", tables.stream()
          .filter(t -> t.outcome() == TableResult.Outcome.REFUSED).map(TableResult::message).toList()));
    }
    if (failed > 0) {
      return new Verdict(failed == tables.size() ? RunStatus.FAILED : RunStatus.PARTIAL,
          String.format("%,d of %s failed", failed, plural(tables.size(), "table")));
    }
    if (mismatched > 0) {
      return new Verdict(RunStatus.FAILED, "validation found differences in " + plural(mismatched, "table"));
    }
    return new Verdict(RunStatus.SUCCEEDED, f.validateOnly()
        ? plural(tables.size(), "table") + ": counts, content digests and foreign keys match"
        : (f.dryRun() ? "dry run: would write " : "wrote ") + written(tables));
  }

  /** A cancelled run's line: what was in progress, and what that left behind. */
  private static String cancelledLine(List<TableResult> tables, long inProgress, boolean dryRun) {
    // A table in progress copied in checkpointed chunks keeps the chunks it committed (its counts are those).
    long chunkRows = dryRun ? 0 : tables.stream().filter(t -> t.outcome() == TableResult.Outcome.SKIPPED)
        .mapToLong(TableResult::written).sum();
    long kept = dryRun ? 0
        : tables.stream().filter(t -> t.outcome() == TableResult.Outcome.SYNCED && t.written() > 0).count();
    List<String> left = new ArrayList<>();
    if (kept > 0) {
      left.add(plural(kept, "table") + " finished before the cancel " + (kept == 1 ? "stays" : "stay") + " committed");
    }
    if (chunkRows > 0) {
      left.add(plural(chunkRows, "row") + " of committed checkpoint chunks " + (chunkRows == 1 ? "stays" : "stay"));
    }
    return (inProgress == 0 ? "stopped between tables, nothing in progress to roll back"
        : plural(inProgress, "table") + " in progress rolled back" + (chunkRows > 0 ? "" : " whole")) + "; "
        + (left.isEmpty() ? "nothing was written" : String.join("; ", left));
  }

  private static long count(List<TableResult> tables, TableResult.Outcome outcome) {
    return tables.stream().filter(t -> t.outcome() == outcome).count();
  }

  /**
   * "wrote 662,214 rows in 4 tables: 331,107 inserted, 331,107 deleted": every row written, and what kind, so a
   * rebuild's delete-and-insert is not read as twice its rows.
   */
  static String written(List<TableResult> tables) {
    long inserted = tables.stream().mapToLong(TableResult::inserted).sum();
    long updated = tables.stream().mapToLong(TableResult::updated).sum();
    long deleted = tables.stream().mapToLong(TableResult::deleted).sum();
    long linked = tables.stream().mapToLong(TableResult::linked).sum();
    long all = tables.stream().mapToLong(TableResult::written).sum();
    List<String> kinds = new ArrayList<>();
    for (Object[] k : new Object[][] {{inserted, "inserted"}, {updated, "updated"}, {deleted, "deleted"},
        {linked, "links set"}}) {
      if ((long) k[0] > 0) {
        kinds.add(String.format("%,d %s", (long) k[0], k[1]));
      }
    }
    long changed = tables.stream().filter(t -> t.written() > 0).count();
    if (changed == 0) {
      return "0 rows: " + (tables.size() == 1 ? "the table is" : plural(tables.size(), "table") + " are")
          + " already equal";
    }
    return plural(all, "row") + " in " + (changed < tables.size() ? String.format("%,d of ", changed) : "")
        + plural(tables.size(), "table") + ": " + String.join(", ", kinds);
  }

  private static String plural(long n, String noun) {
    return String.format("%,d %s%s", n, noun, n == 1 ? "" : "s");
  }
}
