package dev.ferry.status;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What `ferry status` advises from the counts and what changed since the last verified sync. No database. */
class RecommendationTest {
  private static Status.TableCounts table(String name, long source, long target, Status.Changes changes) {
    return new Status.TableCounts(name, source, target, changes);
  }

  @Test
  void productionsOwnEditsAreNamedBeforeAnythingElse() {
    String advice = StatusCheck.recommend(List.of(table("animals", 10, 10, new Status.Changes("r1", 3, 1, 0L)),
        table("orgs", 2, 2, new Status.Changes("r1", 0, 0, 0L))));
    assertTrue(advice.startsWith("production changed rows in [animals] since the last verified sync"), advice);
    assertTrue(advice.contains("--on-production-edit keep"), advice);
  }

  @Test
  void withoutProductionEditsTheCountsDecide() {
    assertEquals("row counts match; `ferry sync --dry-run` shows whether any row content differs",
        StatusCheck.recommend(List.of(table("animals", 10, 10, new Status.Changes("r1", 0, 0, 0L)))));
    // Equal counts are not equal rows: rows the source changed since the last verified sync are named.
    assertEquals("row counts match, but rows changed locally in [animals] since the last verified sync:"
        + " `ferry sync --dry-run` previews what a sync writes, `ferry sync` copies them",
        StatusCheck.recommend(List.of(table("animals", 10, 10, new Status.Changes("r1", 3, 0, 0L)))));
    assertTrue(StatusCheck.recommend(List.of(table("animals", 10, 12, null))).startsWith("the target has more rows"));
  }
}
