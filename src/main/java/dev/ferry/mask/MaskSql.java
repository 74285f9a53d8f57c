package dev.ferry.mask;

import dev.ferry.catalog.Column;
import dev.ferry.config.MaskRule;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A {@link MaskRule} as a SQL expression production evaluates inside the pull's read, so that unmasked values never
 * cross the wire. Only built-in functions: nothing is installed on production and it needs no privilege beyond
 * SELECT. Each deterministic transform hashes the value with a secret salt (the session setting
 * {@value #SALT_SETTING}, set from {@code FERRY_MASK_SALT}): the same value masks the same way in every table and
 * every run, so a masked natural key still joins its children. Every expression is cast back to the column's type.
 */
public final class MaskSql {
  /** The session setting that carries the salt on the production connections (set_config, never in the SQL). */
  public static final String SALT_SETTING = "ferry.mask_salt";
  private static final String SALT = "current_setting('" + SALT_SETTING + "')";

  private static final List<String> FIRST = List.of("Alex", "Sam", "Robin", "Charlie", "Jordan", "Taylor", "Morgan",
      "Casey", "Jamie", "Riley", "Avery", "Quinn", "Rowan", "Sasha", "Kim", "Noa", "Luca", "Mika", "Ari", "Eli");
  private static final List<String> LAST = List.of("Smith", "Meyer", "Garcia", "Novak", "Rossi", "Kowalski", "Jansen",
      "Dubois", "Silva", "Berg", "Larsen", "Horvat", "Costa", "Keller", "Moreau", "Fischer", "Nagy", "Popescu",
      "Svensson", "Walsh");

  private MaskSql() {}

  /** The expression for {@code col} (read from the relation aliased {@code x}) under {@code rule}. */
  public static String expression(Column col, MaskRule rule) {
    String c = "x." + col.sql();
    if (rule.kind() == MaskRule.Kind.KEEP) {
      return c;
    }
    String t = c + "::text";
    String out = switch (rule.kind()) {
      case KEEP, NULL -> "NULL";
      case VALUE -> literal(rule.argument());
      case SQL -> "(" + rule.argument() + ")";
      case EMAIL -> "'user_' || substr(" + hash(t) + ", 1, 16) || '@example.invalid'";
      case PHONE -> perCharacter(t, "CASE WHEN ch BETWEEN '0' AND '9' THEN chr(48 + b % 10) ELSE ch END");
      case NAME -> "CASE WHEN position(' ' IN " + t + ") > 0 THEN " + pick(FIRST, t, 1) + " || ' ' || " + pick(LAST, t, 9)
          + " ELSE " + pick(FIRST, t, 1) + " END";
      case TEXT -> perCharacter(t, "CASE WHEN ch ~ '[[:lower:]]' THEN chr(97 + b % 26) WHEN ch ~ '[[:upper:]]'"
          + " THEN chr(65 + b % 26) WHEN ch ~ '[[:digit:]]' THEN chr(48 + b % 10) ELSE ch END");
      case REDACT -> "regexp_replace(" + t + ", '[[:alnum:]]', 'x', 'g')";
      case SHIFT -> shift(c, col, Integer.parseInt(rule.argument()), t);
      case FAKE -> pick(rule.choices(), t, 1);
    };
    // A NULL stays NULL (a rule never invents a value where there was none), except for a fixed value or SQL.
    boolean keepsNull = rule.kind() != MaskRule.Kind.VALUE && rule.kind() != MaskRule.Kind.SQL
        && rule.kind() != MaskRule.Kind.NULL;
    return "(" + (keepsNull ? "CASE WHEN " + c + " IS NULL THEN NULL ELSE " + out + " END" : out) + ")::" + col.type();
  }

  /**
   * The masked relation: every column of the table, ruled ones replaced by their expression under their own name, so
   * statements written for the table read it unchanged. Use it as a FROM item, followed by an alias.
   */
  public static String relation(String fromSql, List<Column> columns, Map<String, MaskRule> rules) {
    return relation(fromSql, columns, rules, null);
  }

  /** As above, of the rows {@code where} (a condition over the table's own values, alias {@code x}) selects. */
  public static String relation(String fromSql, List<Column> columns, Map<String, MaskRule> rules,
      String where) {
    // The row version passes through: claims tell unchanged rows by it (see sync.Claims), as they do on a table.
    return "(SELECT " + columns.stream().map(col -> {
      MaskRule rule = rules.getOrDefault(col.name(), MaskRule.KEEP);
      return rule.kind() == MaskRule.Kind.KEEP ? "x." + col.sql() : expression(col, rule) + " AS " + col.sql();
    }).collect(Collectors.joining(", ")) + ", x.xmin AS xmin FROM " + fromSql + " x"
        + (where == null ? "" : " WHERE " + where) + ")";
  }

  /** md5 of the salt and the value: 32 hex digits. */
  private static String hash(String text) {
    return "md5(" + SALT + " || " + text + ")";
  }

  /** A non-negative integer from 8 hex digits of the hash, starting at {@code from} (1-based). */
  private static String number(String text, int from) {
    return "(('x' || substr(" + hash(text) + ", " + from + ", 8))::bit(32)::int & 2147483647)";
  }

  private static String pick(List<String> values, String text, int from) {
    return "(ARRAY[" + values.stream().map(MaskSql::literal).collect(Collectors.joining(", ")) + "])[1 + "
        + number(text, from) + " % " + values.size() + "]";
  }

  /**
   * Each character {@code ch} of the value replaced by {@code replace}, where {@code b} is a byte of the hash for its
   * position (a fresh md5 per 16 characters): same length, same places for what is kept. An empty value stays empty.
   */
  private static String perCharacter(String text, String replace) {
    String bytes = "get_byte(decode(md5(" + SALT + " || " + text + " || ((i - 1) / 16)::text), 'hex'), ((i - 1) % 16)::int)";
    return "CASE WHEN " + text + " = '' THEN '' ELSE (SELECT string_agg(" + replace + ", '' ORDER BY i) FROM (SELECT ch, i, "
        + bytes + " AS b FROM unnest(string_to_array(" + text + ", NULL)) WITH ORDINALITY AS u(ch, i)) q) END";
  }

  private static String shift(String c, Column col, int days, String text) {
    String by = "(" + number(text, 1) + " % " + (2 * days + 1) + " - " + days + ")";
    return col.type().startsWith("date") ? c + " + " + by : c + " + " + by + " * interval '1 day'";
  }

  /** A SQL string literal (quotes doubled; standard_conforming_strings is on in every supported PostgreSQL). */
  static String literal(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
