package dev.ferry.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.ferry.config.OnProductionEdit;
import dev.ferry.sync.RowDifference.Kind;
import java.math.BigInteger;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who made each difference, and what each policy does with it, from flags alone. No database. */
class ProductionEditsDecideTest {
  private static RowDifference row(String key, Kind kind, String sourceHash, String targetHash) {
    return new RowDifference(new String[] {key}, kind, sourceHash, targetHash);
  }

  private static final List<RowDifference> ALL = List.of(
      row("local", Kind.LOCAL, "1", "2"),
      row("gone-here", Kind.LOCAL, null, "3"),
      row("edit", Kind.PRODUCTION_EDIT, "10", "11"),
      row("added", Kind.PRODUCTION_INSERT, null, "20"),
      row("deleted", Kind.PRODUCTION_DELETE, "30", null),
      row("both", Kind.CONFLICT, "40", "41"),
      row("earlier", Kind.PRODUCTION_KEPT, "50", "51"));

  private static List<String> keys(List<?> rows) {
    return rows.stream().map(r -> r instanceof RowDifference d ? d.key()[0] : ((String[]) r)[0]).toList();
  }

  @Test
  void flagsTellWhoMadeADifference() {
    assertEquals(Kind.LOCAL, RowDifference.classify(true, true, true, false, false));
    assertEquals(Kind.PRODUCTION_EDIT, RowDifference.classify(true, true, false, true, false));
    assertEquals(Kind.CONFLICT, RowDifference.classify(true, true, true, true, false));
    assertEquals(Kind.PRODUCTION_DELETE, RowDifference.classify(true, false, false, false, false));
    assertEquals(Kind.LOCAL, RowDifference.classify(true, false, true, false, false), "a new source row");
    assertEquals(Kind.PRODUCTION_INSERT, RowDifference.classify(false, true, false, true, false));
    assertEquals(Kind.LOCAL, RowDifference.classify(false, true, false, false, false), "deleted on the source");
    assertEquals(Kind.PRODUCTION_KEPT, RowDifference.classify(true, true, false, false, true));
    assertEquals(Kind.CONFLICT, RowDifference.classify(true, true, true, false, true), "the source changed a kept row");
  }

  @Test
  void refuseStopsOnEveryProductionChangeThatWouldBeWrittenOver() {
    ProductionEdits mirror = ProductionEdits.decide(ALL, OnProductionEdit.REFUSE, true);
    assertEquals(List.of("edit", "added", "deleted", "both"), keys(mirror.refused()));
    assertEquals(List.of("earlier"), keys(mirror.kept()), "decided before: kept without asking again");
    ProductionEdits incremental = ProductionEdits.decide(ALL, OnProductionEdit.REFUSE, false);
    assertEquals(List.of("edit", "deleted", "both"), keys(incremental.refused()), "incremental never deletes");
    assertEquals(List.of("added", "earlier"), keys(incremental.kept()));
  }

  @Test
  void keepCopiesTheSourcesChangesAndLeavesProductionsButNeverAConflict() {
    ProductionEdits d = ProductionEdits.decide(ALL, OnProductionEdit.KEEP, true);
    assertEquals(List.of("both"), keys(d.refused()));
    assertEquals(List.of("local"), keys(d.copy()));
    assertEquals(List.of("gone-here"), keys(d.deletable()), "mirror deletes what the source deleted, not what production added");
    assertEquals(List.of("edit", "added", "deleted", "earlier"), keys(d.kept()));
    // Validation expects the target to hold the kept rows' hashes in place of the source's: +11-10 +20 -30 +51-50.
    ProductionEdits.Kept expected = d.expected();
    assertEquals(0, expected.rows(), "one row more (added), one fewer (deleted)");
    assertEquals(BigInteger.valueOf(11 - 10 + 20 - 30 + 51 - 50), expected.sum());
    assertEquals(List.of(List.of("local-kept")), ProductionEdits.decide(List.of(row("local-kept", Kind.PRODUCTION_EDIT,
        "1", "2")), OnProductionEdit.KEEP, false).keptKeys(List.of(), false));
  }

  @Test
  void overwriteWritesOverEverythingAndSaysWhat() {
    ProductionEdits d = ProductionEdits.decide(ALL, OnProductionEdit.OVERWRITE, true);
    assertEquals(List.of(), keys(d.refused()));
    assertEquals(List.of("local", "edit", "deleted", "both", "earlier"), keys(d.copy()));
    assertEquals(List.of("gone-here", "added"), keys(d.deletable()));
    assertEquals(List.of("edit", "added", "deleted", "both", "earlier"), keys(d.overwritten()));
    assertEquals(List.of(), d.keptKeys(List.of(List.of("earlier"), List.of("elsewhere")), true).stream()
        .filter(k -> k.equals(List.of("earlier"))).toList(), "a row written over is no longer kept");
  }
}
