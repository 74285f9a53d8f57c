package dev.ferry.sync;

import dev.ferry.statements.DigestStatements;
import dev.ferry.statements.ReadStatements;
import io.vertx.core.json.JsonArray;
import java.math.BigInteger;
import java.util.List;

/**
 * A table's source digest summed while its rows stream past: each row carries its hash (computed by the source
 * server, see {@link ReadStatements#selectSourceWithDigest()}), and their exact sum equals what {@link DigestStatements#digest}
 * returns for the same rows.
 */
final class StreamDigest {
  private BigInteger sum = BigInteger.ZERO;
  private long partial;
  private long rows;

  /** A digest already summed elsewhere (by the server, per key range). */
  static StreamDigest of(long rows, BigInteger sum) {
    StreamDigest d = new StreamDigest();
    d.rows = rows;
    d.sum = sum;
    return d;
  }

  /** As a table copied on another node sends it to the run's node: rows and sum; null for none. */
  static JsonArray toJson(StreamDigest d) {
    return d == null ? null : new JsonArray().add(d.rows()).add(d.value());
  }

  static StreamDigest fromJson(JsonArray a) {
    return a == null ? null : of(a.getLong(0), new BigInteger(a.getString(1)));
  }

  StreamDigest copy() {
    return of(rows, total());
  }

  private BigInteger total() {
    return sum.add(BigInteger.valueOf(partial));
  }

  /** Adds the hash in column {@code column} of each row. */
  void addAll(List<String[]> batch, int column) {
    for (String[] row : batch) {
      add(Long.parseLong(row[column]));
    }
  }

  /** Adds another digest's rows (a table read in parts). */
  void addAll(StreamDigest other) {
    sum = sum.add(other.total());
    rows += other.rows;
  }

  /**
   * Adds one row's hash, summed in a long until it would overflow (a BigInteger for each row costs). Tested, not
   * caught: random hashes overflow every few rows, and an exception's stack trace costs more than the sum.
   */
  void add(long hash) {
    long next = partial + hash;
    if (((partial ^ next) & (hash ^ next)) < 0) { // both operands' sign differs from the result's: overflow
      sum = sum.add(BigInteger.valueOf(partial));
      next = hash;
    }
    partial = next;
    rows++;
  }

  long rows() {
    return rows;
  }

  String value() {
    return total().toString();
  }
}
