package dev.ferry.config;

import java.util.List;

/**
 * What a pull does to one column's values before they leave production ({@code rules:} in the configuration).
 *
 * @param kind      the transform
 * @param argument  the fixed value ({@code VALUE}), the SQL expression ({@code SQL}), or the days either way
 *                  ({@code SHIFT}, as text); null otherwise
 * @param choices   the values {@code FAKE} picks from
 * @param injective declared by the user: the transform never gives two different values the same result, so it may
 *                  run on a column under a unique index (email hashes are, by construction)
 */
public record MaskRule(Kind kind, String argument, List<String> choices, boolean injective) {

  public enum Kind {
    /** The value as it is: classified as not personal. */
    KEEP,
    /** NULL. */
    NULL,
    /** A fixed value. */
    VALUE,
    /** A SQL expression over the row, evaluated on production. */
    SQL,
    /** user_&lt;64-bit hash&gt;@example.invalid: unique stays unique. */
    EMAIL,
    /** Every digit replaced by one drawn from the hash; spaces, signs and brackets kept. */
    PHONE,
    /** A first name (and a last name, when the value has a space) picked by the hash. */
    NAME,
    /** Letters and digits replaced by ones drawn from the hash, case and punctuation kept: same length, same shape. */
    TEXT,
    /** Letters and digits replaced by x: the shape stays, the content goes. */
    REDACT,
    /** A date or timestamp moved by up to {@code argument} days either way, by the hash. */
    SHIFT,
    /** One of {@code choices}, picked by the hash. */
    FAKE;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  public static final MaskRule KEEP = new MaskRule(Kind.KEEP, null, List.of(), true);

  /** Whether two different values always come out different (unique indexes stay satisfied). */
  public boolean keepsUniqueness() {
    return injective || kind == Kind.KEEP || kind == Kind.EMAIL;
  }

  /** As the configuration would say it. */
  public String describe() {
    return switch (kind) {
      case VALUE -> "value " + argument;
      case SQL -> "sql " + argument;
      case SHIFT -> "shift ±" + argument + " days";
      case FAKE -> "fake from " + choices.size() + " values";
      default -> kind.label();
    } + (injective && kind != Kind.KEEP && kind != Kind.EMAIL ? " (declared injective)" : "");
  }
}
