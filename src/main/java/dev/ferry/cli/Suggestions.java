package dev.ferry.cli;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;

/** "Did you mean": the names a typo is nearest to (edit distance, adjacent swaps counting as one edit). */
final class Suggestions {
  private Suggestions() {}

  /** Candidates within a third of the typed word's length in edits (at least one, at most two), nearest first. */
  static List<String> nearest(String typed, Collection<String> candidates) {
    int allowed = Math.max(1, Math.min(2, typed.length() / 3));
    return candidates.stream().filter(c -> distance(typed, c) <= allowed)
        .sorted(Comparator.comparingInt((String c) -> distance(typed, c)).thenComparing(c -> c)).toList();
  }

  /** Optimal string alignment distance. */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
