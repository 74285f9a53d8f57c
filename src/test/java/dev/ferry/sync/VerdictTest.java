package dev.ferry.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.result.RunStatus;
import dev.ferry.result.RunSummary;
import dev.ferry.result.SampleKeys;
import dev.ferry.result.Strategy;
import dev.ferry.result.TableResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a run's status and line follow from its tables, validation and error. No database. */
class VerdictTest {
  private static TableResult table(String name, TableResult.Outcome outcome, long inserted, long deleted) {
    return new TableResult(name, outcome, Strategy.UPSERT, "upsert", 10, 10, inserted, 0, deleted, 0, 1, 5,
        outcome == TableResult.Outcome.REFUSED ? name + " would lose rows" : null, SampleKeys.NONE);
  }

  private static Verdict verdict(List<TableResult> tables, List<RunSummary.ValidationResult> validation,
      List<String> wouldRefuse, Throwable err, boolean dryRun) {
    return Verdict.of(new Verdict.Facts(tables, validation, wouldRefuse, false, err, err == null ? null : err.getMessage(),
        false, dryRun));
  }

  @Test
  void aCleanRunSaysWhatItWroteByKind() {
    Verdict v = verdict(List.of(table("a", TableResult.Outcome.SYNCED, 3, 0), table("b", TableResult.Outcome.UNCHANGED,
        0, 0), table("c", TableResult.Outcome.SYNCED, 1_000, 2)), List.of(), List.of(), null, false);
    assertEquals(RunStatus.SUCCEEDED, v.status());
    assertEquals("wrote 1,005 rows in 2 of 3 tables: 1,003 inserted, 2 deleted", v.message());
    assertEquals("dry run: would write 0 rows: the table is already equal",
        verdict(List.of(table("a", TableResult.Outcome.UNCHANGED, 0, 0)), List.of(), List.of(), null, true).message());
  }

  @Test
  void oneFailedTableOfSeveralIsPartialAndAllFailedIsFailed() {
    TableResult failed = table("a", TableResult.Outcome.FAILED, 0, 0);
    assertEquals(RunStatus.PARTIAL, verdict(List.of(failed, table("b", TableResult.Outcome.SYNCED, 1, 0)), List.of(),
        List.of(), null, false).status());
    assertEquals(RunStatus.FAILED, verdict(List.of(failed), List.of(), List.of(), null, false).status());
  }

  @Test
  void refusalsComeBeforeFailuresAndValidationDifferencesFail() {
    Verdict refused = verdict(List.of(table("a", TableResult.Outcome.REFUSED, 0, 0),
        table("b", TableResult.Outcome.FAILED, 0, 0)), List.of(), List.of(), null, false);
    assertEquals(RunStatus.REFUSED, refused.status());
    assertEquals("a would lose rows", refused.message());
    Verdict differs = verdict(List.of(table("a", TableResult.Outcome.SYNCED, 1, 0)), List.of(
        new RunSummary.ValidationResult("a", 2, 1, "1", "2", 0, false, "row counts differ")), List.of(), null, false);
    assertEquals(RunStatus.FAILED, differs.status());
    assertEquals("validation found differences in 1 table", differs.message());
    Verdict dry = verdict(List.of(table("a", TableResult.Outcome.SYNCED, 1, 0)), List.of(), List.of("mirror deletes 90%"),
        null, true);
    assertEquals(RunStatus.REFUSED, dry.status(), "a dry run ends as the real run would");
  }

  @Test
  void aCancelSaysWhatItLeftBehind() {
    Verdict v = verdict(List.of(table("a", TableResult.Outcome.SKIPPED, 0, 0), table("b", TableResult.Outcome.SYNCED,
        5, 0)), List.of(), List.of(), Failures.cancelled(), false);
    assertEquals(RunStatus.CANCELLED, v.status());
    assertEquals("1 table in progress rolled back whole; 1 table finished before the cancel stays committed", v.message());
    // A cancel before any table wrote (a rebuild's one transaction, say) does not speak of committed tables.
    Verdict none = verdict(List.of(table("a", TableResult.Outcome.SKIPPED, 0, 0), table("b", TableResult.Outcome.UNCHANGED,
        0, 0)), List.of(), List.of(), Failures.cancelled(), false);
    assertEquals("1 table in progress rolled back whole; nothing was written", none.message());
    // A checkpointed table in progress keeps its committed chunks, and says so.
    Verdict chunks = verdict(List.of(table("a", TableResult.Outcome.SKIPPED, 20_000, 0), table("b",
        TableResult.Outcome.SYNCED, 5, 0), table("c", TableResult.Outcome.SYNCED, 7, 0)), List.of(), List.of(),
        Failures.cancelled(), false);
    assertEquals("1 table in progress rolled back; 2 tables finished before the cancel stay committed; 20,000 rows of"
        + " committed checkpoint chunks stay", chunks.message());
    // Stopped between tables; and a dry run, which writes nothing whatever its tables would have.
    assertEquals("stopped between tables, nothing in progress to roll back; 1 table finished before the cancel stays"
        + " committed", verdict(List.of(table("b", TableResult.Outcome.SYNCED, 5, 0)), List.of(), List.of(),
        Failures.cancelled(), false).message());
    assertEquals("stopped between tables, nothing in progress to roll back; nothing was written",
        verdict(List.of(table("b", TableResult.Outcome.SYNCED, 5, 0)), List.of(), List.of(), Failures.cancelled(),
        true).message());
  }
}
