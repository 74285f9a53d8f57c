package dev.ferry.statements;

import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A statement's parameter numbers, handed out in the order its parts ask for them: each part names what it takes
 * ({@code String horizon = params.next()}) and none counts another's. The caller binds them in the same order,
 * which each statement's javadoc lists.
 */
final class Params {
  private int next = 1;

  /** The next parameter, as {@code $n}. */
  String next() {
    return "$" + next++;
  }

  /**
   * A batch of {@code width} columns, one {@code text[]} parameter each, as a row source:
   * {@code unnest($a::text[], …) AS u(p1, …)}; column i reads {@code u.p(i+1)} (see {@link Fragments#col}).
   */
  String unnest(int width) {
    return unnest(width, false);
  }

  /** As {@link #unnest(int)}, with each row's position (from 1) as {@code u.n} when {@code numbered}. */
  String unnest(int width, boolean numbered) {
    String arrays = IntStream.range(0, width).mapToObj(i -> next() + "::text[]").collect(Collectors.joining(", "));
    return "unnest(" + arrays + ")" + (numbered ? " WITH ORDINALITY" : "") + " AS u("
        + IntStream.rangeClosed(1, width).mapToObj(i -> "p" + i).collect(Collectors.joining(", "))
        + (numbered ? ", n)" : ")");
  }
}
