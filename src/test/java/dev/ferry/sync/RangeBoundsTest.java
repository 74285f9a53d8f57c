package dev.ferry.sync;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** Integer range r holds the keys whose key / width is r in PostgreSQL's truncating division. */
class RangeBoundsTest {
  @Test
  void boundsFollowTruncatingDivision() {
    assertArrayEquals(new long[] {-7, 7}, RangeDiff.bounds(0, 8));
    assertArrayEquals(new long[] {8, 15}, RangeDiff.bounds(1, 8));
    assertArrayEquals(new long[] {-15, -8}, RangeDiff.bounds(-1, 8));
    assertArrayEquals(new long[] {5, 5}, RangeDiff.bounds(5, 1));
    assertArrayEquals(new long[] {0, 0}, RangeDiff.bounds(0, 1));
  }

  @Test
  void boundsAtTheEndsOfBigintAreClamped() {
    long w = Long.MAX_VALUE / 4;
    assertArrayEquals(new long[] {4 * w, Long.MAX_VALUE}, RangeDiff.bounds(4, w));
    assertArrayEquals(new long[] {Long.MIN_VALUE, -4 * w}, RangeDiff.bounds(-4, w));
  }
}
