package dev.ferry.sync;

import java.math.BigInteger;
import java.util.List;

/**
 * A table's source digest summed while its rows stream past: each row carries its md5 (computed by the source
 * server, see {@link TableSql#selectSourceWithDigest()}), and the sum of their first 60 bits equals what
 * {@link TableSql#digest} returns for the same rows.
 */
final class StreamDigest {
  private static final long CARRY = 1L << 62;
  private long high;
  private long low;
  private long rows;

  /** Adds the md5 in column {@code column} of each row. */
  void addAll(List<String[]> batch, int column) {
    for (String[] row : batch) {
      low += Long.parseLong(row[column], 0, 15, 16);
      if (low >= CARRY) { // each slice is below 2^60, so this never overflows
        low -= CARRY;
        high++;
      }
      rows++;
    }
  }

  long rows() {
    return rows;
  }

  String value() {
    return BigInteger.valueOf(high).shiftLeft(62).add(BigInteger.valueOf(low)).toString();
  }
}
