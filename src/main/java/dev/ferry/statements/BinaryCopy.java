package dev.ferry.statements;

import dev.ferry.catalog.Column;
import dev.ferry.plan.TablePlan;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a table's rows pass between the servers as binary COPY instead of text: the target then parses no
 * timestamps, numbers or ids from text (a 300,000-row, jsonb-heavy table: the target's COPY 3.9 → 3.3 CPU-seconds,
 * the source's 2.9 → 2.6). Only where every column has the same type on both sides and that type is built in, with
 * a binary form that is the same on every server since PostgreSQL 9 (arrays carry element OIDs and user types
 * their own OIDs: those tables go as text). jsonb travels as its text, which the source renders once for both the
 * row and its hash; the copy puts jsonb's version byte in front of it (its binary form is that byte and the text).
 * The proof does not depend on this: the target's digest still compares the stored rows' text.
 */
public final class BinaryCopy {
  /** Built-in types (typmods stripped) whose binary send and receive agree across servers of any version. */
  private static final Set<String> TYPES = Set.of("smallint", "integer", "bigint", "boolean", "real",
      "double precision", "numeric", "text", "character varying", "character", "bytea", "uuid", "date",
      "timestamp without time zone", "timestamp with time zone", "time without time zone", "interval", "jsonb");
  public static final String JSONB = "jsonb";

  private BinaryCopy() {}

  /**
   * Every written column of a built-in type above, the same on the source (a pull's masked read too: each ruled
   * column is cast back to its own type there, see {@code mask.MaskSql#expression}).
   */
  public static boolean fits(TablePlan plan) {
    if (!plan.deferred().isEmpty()) {
      return false;
    }
    for (Column c : plan.columns()) {
      Optional<Column> source = plan.source().column(c.name());
      if (source.isEmpty() || !source.get().type().equals(c.type()) || !TYPES.contains(base(c.type()))) {
        return false;
      }
    }
    return true;
  }

  /** Per written column (in {@link TablePlan#columns()} order): whether it travels as jsonb's text. */
  public static boolean[] jsonbAsText(TablePlan plan) {
    boolean[] out = new boolean[plan.columns().size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = JSONB.equals(plan.columns().get(i).type()) && !plan.mapped().containsKey(plan.columns().get(i).name());
    }
    return out;
  }

  /** COPY's option for the format: binary, or text (the default, no option). */
  public static String option(boolean binary) {
    return binary ? " (FORMAT binary)" : "";
  }

  /** {@code character varying(20)} → {@code character varying}, {@code timestamp(3) with time zone} → … */
  static String base(String type) {
    return type.replaceAll("\\(\\d+(,\\d+)?\\)", "");
  }
}
