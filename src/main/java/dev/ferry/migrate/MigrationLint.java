package dev.ferry.migrate;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Reads a migration's SQL before it runs and says what it would lock, rewrite or destroy. Destructive findings
 * make {@code ferry migrate} refuse without --confirm-destructive; the others are warnings.
 */
public final class MigrationLint {
  /**
   * One finding: the statement (abridged), why it matters, whether it destroys data, and the tables it names
   * (schema-qualified where written so; unquoted names folded to lower case as PostgreSQL does).
   */
  public record Finding(String statement, String problem, boolean destructive, List<String> tables) {}

  private static final Pattern TABLE = Pattern.compile("^(?:DROP\\s+TABLE\\s+(?:IF\\s+EXISTS\\s+)?|ALTER\\s+TABLE\\s+"
      + "(?:IF\\s+EXISTS\\s+)?(?:ONLY\\s+)?|TRUNCATE\\s+(?:TABLE\\s+)?(?:ONLY\\s+)?|DELETE\\s+FROM\\s+(?:ONLY\\s+)?"
      + "|UPDATE\\s+(?:ONLY\\s+)?)(.+)", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

  private record Rule(Pattern pattern, String problem, boolean destructive) {}

  private static final List<Rule> RULES = List.of(
      rule("^CREATE\\s+(UNIQUE\\s+)?INDEX\\s+(?!CONCURRENTLY)", "blocks writes to the table while the index builds;"
          + " CREATE INDEX CONCURRENTLY does not", false),
      rule("^ALTER\\s+TABLE\\b.*\\bALTER\\s+(COLUMN\\s+)?\\S+\\s+(SET\\s+DATA\\s+)?TYPE\\b", "rewrites the table under an"
          + " ACCESS EXCLUSIVE lock (reads and writes wait) unless the new type is binary-compatible", false),
      rule("^ALTER\\s+TABLE\\b.*\\bSET\\s+NOT\\s+NULL", "scans the whole table under an ACCESS EXCLUSIVE lock; add"
          + " CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL", false),
      rule("^ALTER\\s+TABLE\\b.*\\bADD\\s+(CONSTRAINT\\s+\\S+\\s+)?FOREIGN\\s+KEY\\b(?!.*\\bNOT\\s+VALID\\b)", "validates"
          + " every row while holding locks on both tables; ADD … NOT VALID, then VALIDATE CONSTRAINT", false),
      rule("^ALTER\\s+TABLE\\b.*\\bDROP\\s+(COLUMN\\s+)?(?!CONSTRAINT|DEFAULT|NOT\\s+NULL|IDENTITY|EXPRESSION)\\S+",
          "drops a column and its data", true),
      rule("^DROP\\s+(TABLE|SCHEMA|TYPE|DOMAIN|SEQUENCE|MATERIALIZED\\s+VIEW)\\b", "drops an object and everything"
          + " stored in it", true),
      rule("^TRUNCATE\\b", "deletes every row", true),
      rule("^DELETE\\s+FROM\\s+\\S+\\s*$", "deletes every row (no WHERE clause)", true),
      rule("^UPDATE\\s+\\S+\\s+SET\\b(?!.*\\bWHERE\\b)", "rewrites every row (no WHERE clause)", false));

  private MigrationLint() {}

  private static Rule rule(String regex, String problem, boolean destructive) {
    return new Rule(Pattern.compile(regex, Pattern.CASE_INSENSITIVE | Pattern.DOTALL), problem, destructive);
  }

  public static List<Finding> check(String sql) {
    List<Finding> out = new ArrayList<>();
    for (String statement : statements(sql)) {
      String flat = statement.replaceAll("\\s+", " ").trim();
      String keywords = withoutQuotedText(flat);
      for (Rule r : RULES) {
        if (r.pattern.matcher(keywords).find()) {
          var table = TABLE.matcher(flat);
          out.add(new Finding(flat.length() > 120 ? flat.substring(0, 117) + "…" : flat, r.problem, r.destructive,
              table.find() ? tables(table.group(1), flat.regionMatches(true, 0, "ALTER", 0, 5)
                  || flat.regionMatches(true, 0, "UPDATE", 0, 6)) : List.of()));
        }
      }
    }
    return out;
  }

  private static final Pattern QUOTED = Pattern.compile("\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'");

  /**
   * The statement with every quoted name and string literal shrunk to {@code "_"} / {@code '_'}: the rules read
   * keywords only, so a table named {@code "x; DROP TABLE y"} is not a drop, and a quoted name is one token.
   */
  static String withoutQuotedText(String statement) {
    return QUOTED.matcher(statement).replaceAll(m -> m.group().charAt(0) == '"' ? "\"_\"" : "'_'");
  }

  private static final String IDENT = "(?:\"(?:[^\"]|\"\")*\"|[A-Za-z_][A-Za-z0-9_$]*)";
  private static final Pattern NAME = Pattern.compile("\\s*(" + IDENT + "(?:\\s*\\.\\s*" + IDENT + ")*)\\s*(,?)");
  private static final Pattern PART = Pattern.compile(IDENT);

  /** The names a statement lists after its keyword: one for ALTER TABLE and UPDATE, a list for DROP and TRUNCATE. */
  private static List<String> tables(String rest, boolean one) {
    List<String> out = new ArrayList<>();
    var m = NAME.matcher(rest);
    int at = 0;
    while (m.find(at) && m.start() == at) {
      List<String> parts = new ArrayList<>();
      var p = PART.matcher(m.group(1));
      while (p.find()) {
        String part = p.group();
        // Quoted names keep their case; unquoted ones fold to lower case, as PostgreSQL folds them.
        parts.add(part.startsWith("\"") ? part.substring(1, part.length() - 1).replace("\"\"", "\"")
            : part.toLowerCase(java.util.Locale.ROOT));
      }
      out.add(String.join(".", parts));
      if (one || m.group(2).isEmpty()) {
        break;
      }
      at = m.end();
    }
    return out;
  }

  /** Statements with comments removed; semicolons inside quotes and dollar-quoted bodies do not split. */
  static List<String> statements(String sql) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        while (i < n && sql.charAt(i) != '\n') {
          i++;
        }
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        i = end < 0 ? n : end + 2;
      } else if (c == '\'' || c == '"') {
        int end = i + 1;
        while (end < n && !(sql.charAt(end) == c && (end + 1 >= n || sql.charAt(end + 1) != c))) {
          end += sql.charAt(end) == c ? 2 : 1;
        }
        cur.append(sql, i, Math.min(n, end + 1));
        i = end + 1;
      } else if (c == '$') {
        int tagEnd = sql.indexOf('$', i + 1);
        String tag = tagEnd > 0 ? sql.substring(i, tagEnd + 1) : null;
        if (tag != null && tag.matches("\\$[A-Za-z_0-9]*\\$")) {
          int end = sql.indexOf(tag, tagEnd + 1);
          int stop = end < 0 ? n : end + tag.length();
          cur.append(sql, i, stop);
          i = stop;
        } else {
          cur.append(c);
          i++;
        }
      } else if (c == ';') {
        add(out, cur);
        i++;
      } else {
        cur.append(c);
        i++;
      }
    }
    add(out, cur);
    return out;
  }

  private static void add(List<String> out, StringBuilder cur) {
    String s = cur.toString().trim();
    if (!s.isEmpty()) {
      out.add(s);
    }
    cur.setLength(0);
  }

}
