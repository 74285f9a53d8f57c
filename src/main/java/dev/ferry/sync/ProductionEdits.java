package dev.ferry.sync;

import dev.ferry.config.OnProductionEdit;
import dev.ferry.sync.RowDifference.Kind;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a table's policy ({@link OnProductionEdit}) makes of the differences a claimed comparison classified: which
 * source rows are copied, which target rows mirror may delete, which of production's changes stay, which are written
 * over, and which stop the table. Pure: the comparison has read everything it needs.
 *
 * @param copy        source keys to copy (upsert)
 * @param deletable   target keys mirror may delete
 * @param kept        production's changes that stay as they are
 * @param overwritten production's changes the source's rows replace (the overwrite policy: said and recorded)
 * @param refused     production's changes that stop the table (nothing of it is written)
 */
record ProductionEdits(List<String[]> copy, List<String[]> deletable, List<RowDifference> kept,
    List<RowDifference> overwritten, List<RowDifference> refused) {

  static ProductionEdits decide(List<RowDifference> differences, OnProductionEdit policy, boolean mirror) {
    List<String[]> copy = new ArrayList<>();
    List<String[]> deletable = new ArrayList<>();
    List<RowDifference> kept = new ArrayList<>();
    List<RowDifference> overwritten = new ArrayList<>();
    List<RowDifference> refused = new ArrayList<>();
    for (RowDifference d : differences) {
      // Incremental never deletes: a row production added stays whatever the policy, and nothing is written over.
      boolean harmless = d.kind() == Kind.PRODUCTION_INSERT && !mirror;
      if (!d.kind().production() || (policy == OnProductionEdit.OVERWRITE && !harmless)) {
        (d.onSource() ? copy : deletable).add(d.key());
        if (d.kind().production()) {
          overwritten.add(d);
        }
      } else if (harmless || d.kind() == Kind.PRODUCTION_KEPT
          || (policy == OnProductionEdit.KEEP && d.kind() != Kind.CONFLICT)) {
        kept.add(d);
      } else {
        refused.add(d);
      }
    }
    return new ProductionEdits(copy, deletable, kept, overwritten, refused);
  }

  /**
   * What validation expects of the target beyond the source's rows: the kept rows' hashes in place of the source's.
   * Digests are sums of row hashes, so the target's equals the source's plus this.
   */
  Kept expected() {
    long rows = 0;
    BigInteger sum = BigInteger.ZERO;
    for (RowDifference d : kept) {
      if (d.sourceHash() != null) {
        rows--;
        sum = sum.subtract(new BigInteger(d.sourceHash()));
      }
      if (d.targetHash() != null) {
        rows++;
        sum = sum.add(new BigInteger(d.targetHash()));
      }
    }
    return new Kept(kept.size(), rows, sum, List.of());
  }

  /**
   * The keys whose production version the claim this run records keeps: those kept before ({@code earlier}), and
   * now, less those this run wrote over with the source's rows.
   */
  List<List<String>> keptKeys(List<List<String>> earlier, boolean mirror) {
    Map<List<String>, Boolean> out = new LinkedHashMap<>();
    earlier.forEach(k -> out.put(k, true));
    kept.forEach(d -> out.put(Arrays.asList(d.key()), true));
    copy.forEach(k -> out.remove(Arrays.asList(k)));
    if (mirror) {
      deletable.forEach(k -> out.remove(Arrays.asList(k)));
    }
    return List.copyOf(out.keySet());
  }

  /**
   * Rows validation must find as production left them: how many, and what they add to the count and digest; and
   * the keys the run's claim records as kept (see {@link #keptKeys}).
   */
  record Kept(int count, long rows, BigInteger sum, List<List<String>> keys) {
    static final Kept NONE = new Kept(0, 0, BigInteger.ZERO, List.of());

    Kept withKeys(List<List<String>> k) {
      return new Kept(count, rows, sum, k);
    }

    /** Plus rows only the target has, which stay (a pull's incremental mode keeps the developer's own rows). */
    Kept plusTargetOnly(List<RowDifference> onlyOnTarget) {
      BigInteger more = sum;
      for (RowDifference d : onlyOnTarget) {
        more = more.add(new BigInteger(d.targetHash()));
      }
      return new Kept(count + onlyOnTarget.size(), rows + onlyOnTarget.size(), more, keys);
    }
  }

  /** "3 edited, 1 deleted" of these rows, by kind. */
  static String counts(List<RowDifference> rows) {
    List<String> parts = new ArrayList<>();
    for (Kind k : List.of(Kind.PRODUCTION_EDIT, Kind.PRODUCTION_INSERT, Kind.PRODUCTION_DELETE, Kind.CONFLICT,
        Kind.PRODUCTION_KEPT)) {
      long n = rows.stream().filter(d -> d.kind() == k).count();
      if (n > 0) {
        parts.add(n + " " + switch (k) {
          case PRODUCTION_EDIT -> "edited on production";
          case PRODUCTION_INSERT -> "added on production";
          case PRODUCTION_DELETE -> "deleted on production";
          case CONFLICT -> "changed on both sides";
          case PRODUCTION_KEPT -> "kept by earlier runs";
          case LOCAL -> "changed on the source";
        });
      }
    }
    return String.join(", ", parts);
  }
}
