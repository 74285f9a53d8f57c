package dev.ferry.sync;

import dev.ferry.catalog.IndexInfo;
import dev.ferry.plan.TablePlan;
import java.util.List;

/** The phrases a table's path is made of, shared by the strategies that say them. */
final class PathWords {
  private PathWords() {}

  /** Said where no verified sync's claim holds for a table that already has rows. */
  static final String UNCLAIMED = "no verified sync to compare with, so production's own edits cannot be told apart"
      + " from the source's changes";

  static String key(TablePlan plan) {
    String cols = plan.keyColumns().stream().map(c -> c.name()).toList().toString();
    return switch (plan.keyKind()) {
      case PRIMARY -> "primary key " + cols;
      case UNIQUE -> "unique key " + cols;
      case NATURAL -> "natural key " + cols + " (target ids kept)";
      case NONE -> "nothing";
    };
  }

  static String mapped(TablePlan plan) {
    return plan.mapped().isEmpty() ? "" : "; " + String.join(", ", plan.mapped().keySet()) + " rewritten through id maps";
  }

  static String indexes(List<IndexInfo> later) {
    return later.isEmpty() ? "" : " (indexes " + String.join(", ", later.stream().map(IndexInfo::name).toList())
        + " built after the load)";
  }

  static String checkpoints(Checkpoint cp, long every) {
    return cp == null ? "" : "; read in key order, committed every " + every + " rows so that a retry resumes after"
        + " the last commit";
  }
}
