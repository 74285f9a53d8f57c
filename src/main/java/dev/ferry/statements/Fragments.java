package dev.ferry.statements;

import dev.ferry.catalog.Column;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/** Pieces the statements share: column lists, casts from a {@link Params#unnest} batch, text comparisons. */
final class Fragments {
  /** Compare and hash text byte for byte: under a column's own collation 'abc' may equal 'ABC'. */
  static final String C = " COLLATE \"C\"";

  private Fragments() {}

  /** Column {@code i} (from 0) of an unnested batch. */
  static String col(int i) {
    return "u.p" + (i + 1);
  }

  static String texts(String alias, List<Column> cols) {
    return cols.stream().map(c -> alias + c.sql() + "::text").collect(Collectors.joining(", "));
  }

  static String names(List<Column> cols) {
    return cols.stream().map(Column::sql).collect(Collectors.joining(", "));
  }

  /** The batch's first columns cast to these columns' types. */
  static String casts(List<Column> cols) {
    return IntStream.range(0, cols.size()).mapToObj(i -> col(i) + "::" + cols.get(i).type())
        .collect(Collectors.joining(", "));
  }

  /** {@code alias}'s key equals the batch's first columns. */
  static String joinOn(String alias, List<Column> keys) {
    return IntStream.range(0, keys.size())
        .mapToObj(i -> alias + "." + keys.get(i).sql() + " = " + col(i) + "::" + keys.get(i).type())
        .collect(Collectors.joining(" AND "));
  }

  /** The columns' text, compared byte for byte ("C"). */
  static String rowText(String alias, List<Column> cols) {
    return "ROW(" + cols.stream().map(c -> alias + "." + c.sql() + "::text" + C).collect(Collectors.joining(", ")) + ")";
  }

  /** ROW(u.p{from+1}, …) over {@code n} batch columns following the first {@code from}. */
  static String rowParams(int from, int n) {
    return "ROW(" + IntStream.range(0, n).mapToObj(i -> col(from + i)).collect(Collectors.joining(", ")) + ")";
  }

  /** ROW(u.pN, …) of the batch columns that carry these of {@code layout}'s columns. */
  static String rowParams(List<Column> layout, List<Column> cols) {
    return "ROW(" + cols.stream().map(c -> col(layout.indexOf(c))).collect(Collectors.joining(", ")) + ")";
  }
}
