package dev.ferry.corpus;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The Chinook sample database as PostgreSQL, converted at test time from the HSQLDB script that ships in
 * {@code net.hydromatic:chinook-data-hsqldb} (the jar's {@code chinook.script}, on the test classpath): the PUBLIC
 * schema's tables with their primary keys, every row, and the foreign keys last, after the data. HSQLDB writes
 * non-ASCII characters as {@code \}{@code uXXXX} escapes; they are decoded. Column types are mapped to PostgreSQL's
 * and an unknown one fails the conversion rather than guessing.
 */
final class ChinookScript {
  private static final Pattern CREATE = Pattern.compile("^CREATE (?:MEMORY |CACHED )?TABLE (?:PUBLIC\\.)?(\\w+)\\((.*)\\)$");
  private static final Pattern ALTER_FK = Pattern.compile("^ALTER TABLE (?:PUBLIC\\.)?(\\w+) ADD CONSTRAINT .* FOREIGN KEY.*$");
  private static final Pattern INSERT = Pattern.compile("^INSERT INTO (?:PUBLIC\\.)?(\\w+) VALUES(\\(.*\\))$");
  private static final Pattern ESCAPE = Pattern.compile("\\\\u([0-9a-fA-F]{4})");
  private static final Pattern COLUMN = Pattern.compile("^(\\w+) (\\w+)(\\([0-9, ]+\\))?(.*)$");
  private static final Pattern FOREIGN_KEY = Pattern.compile("^CONSTRAINT (\\w+) FOREIGN KEY.*$");
  private static final int ROWS_PER_INSERT = 1000;

  /** HSQLDB type name → PostgreSQL type name; a length, precision or scale in parentheses is kept. */
  private static final Map<String, String> TYPES = Map.ofEntries(
      Map.entry("INTEGER", "integer"), Map.entry("INT", "integer"), Map.entry("SMALLINT", "smallint"),
      Map.entry("TINYINT", "smallint"), Map.entry("BIGINT", "bigint"), Map.entry("DECIMAL", "numeric"),
      Map.entry("NUMERIC", "numeric"), Map.entry("DOUBLE", "double precision"), Map.entry("FLOAT", "double precision"),
      Map.entry("REAL", "real"), Map.entry("VARCHAR", "varchar"), Map.entry("CHAR", "char"),
      Map.entry("CHARACTER", "char"), Map.entry("LONGVARCHAR", "text"), Map.entry("CLOB", "text"),
      Map.entry("DATE", "date"), Map.entry("TIME", "time"), Map.entry("TIMESTAMP", "timestamp"),
      Map.entry("BOOLEAN", "boolean"), Map.entry("BINARY", "bytea"), Map.entry("VARBINARY", "bytea"),
      Map.entry("LONGVARBINARY", "bytea"), Map.entry("BLOB", "bytea"));

  /** The converted script and how many rows it inserts. */
  record Converted(String sql, int tables, int rows) {}

  private ChinookScript() {}

  static Converted postgresql() {
    String script;
    try (InputStream in = ChinookScript.class.getResourceAsStream("/chinook.script")) {
      if (in == null) {
        throw new IllegalStateException("chinook.script is not on the test classpath: the test dependency"
            + " net.hydromatic:chinook-data-hsqldb provides it");
      }
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read chinook.script", e);
    }
    return convert(script);
  }

  static Converted convert(String script) {
    List<String> creates = new ArrayList<>();
    List<String> inserts = new ArrayList<>();
    List<String> foreignKeys = new ArrayList<>();
    Set<String> tables = new LinkedHashSet<>();
    String batchTable = null;
    List<String> batch = new ArrayList<>();
    int rows = 0;
    for (String raw : script.split("\r?\n")) {
      String line = decode(raw);
      Matcher m;
      if ((m = INSERT.matcher(line)).matches()) {
        String table = m.group(1).toLowerCase(Locale.ROOT);
        if (!tables.contains(table)) {
          continue; // HSQLDB's own tables (SYSTEM_LOBS.BLOCKS)
        }
        if (!table.equals(batchTable) || batch.size() == ROWS_PER_INSERT) {
          flush(batchTable, batch, inserts);
          batchTable = table;
        }
        batch.add(m.group(2));
        rows++;
      } else if ((m = CREATE.matcher(line)).matches()) {
        String table = m.group(1).toLowerCase(Locale.ROOT);
        tables.add(table);
        List<String> items = new ArrayList<>();
        for (String item : splitTopLevel(m.group(2))) {
          Matcher fk = FOREIGN_KEY.matcher(item);
          if (fk.matches()) {
            foreignKeys.add("ALTER TABLE " + table + " ADD " + item);
          } else if (item.startsWith("CONSTRAINT ")) {
            items.add(item);
          } else {
            items.add(column(table, item));
          }
        }
        creates.add("CREATE TABLE " + table + " (\n  " + String.join(",\n  ", items) + "\n)");
      } else if ((m = ALTER_FK.matcher(line)).matches()) {
        foreignKeys.add(line.replaceFirst("^ALTER TABLE (?:PUBLIC\\.)?\\w+", "ALTER TABLE " + m.group(1).toLowerCase(Locale.ROOT)));
      }
    }
    flush(batchTable, batch, inserts);
    List<String> all = new ArrayList<>(creates);
    all.addAll(inserts);
    all.addAll(foreignKeys);
    return new Converted(String.join(";\n", all) + ";\n", tables.size(), rows);
  }

  private static String column(String table, String definition) {
    Matcher c = COLUMN.matcher(definition);
    if (!c.matches()) {
      throw new IllegalStateException("cannot read column definition '" + definition + "' of " + table);
    }
    String type = TYPES.get(c.group(2));
    if (type == null) {
      throw new IllegalStateException("no PostgreSQL type for HSQLDB type " + c.group(2) + " (" + table + "." + c.group(1) + ")");
    }
    String rest = c.group(4);
    if (!rest.isEmpty() && !rest.matches(" (NOT NULL|DEFAULT [^ ]+( NOT NULL)?)")) {
      throw new IllegalStateException("cannot convert '" + rest.trim() + "' of " + table + "." + c.group(1));
    }
    return c.group(1) + " " + type + (c.group(3) == null ? "" : c.group(3)) + rest;
  }

  private static void flush(String table, List<String> batch, List<String> inserts) {
    if (!batch.isEmpty()) {
      inserts.add("INSERT INTO " + table + " VALUES\n" + String.join(",\n", batch));
      batch.clear();
    }
  }

  /** Splits a column list at the commas outside parentheses and string literals. */
  static List<String> splitTopLevel(String list) {
    List<String> out = new ArrayList<>();
    int depth = 0;
    boolean quoted = false;
    int start = 0;
    for (int i = 0; i < list.length(); i++) {
      char ch = list.charAt(i);
      if (ch == '\'') {
        quoted = !quoted;
      } else if (!quoted && ch == '(') {
        depth++;
      } else if (!quoted && ch == ')') {
        depth--;
      } else if (!quoted && depth == 0 && ch == ',') {
        out.add(list.substring(start, i).trim());
        start = i + 1;
      }
    }
    out.add(list.substring(start).trim());
    return out;
  }

  /** HSQLDB's {@code \}{@code uXXXX} escapes as the characters they stand for (one pass, as HSQLDB reads them). */
  static String decode(String line) {
    if (line.indexOf('\\') < 0) {
      return line;
    }
    Matcher m = ESCAPE.matcher(line);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(out, Matcher.quoteReplacement(String.valueOf((char) Integer.parseInt(m.group(1), 16))));
    }
    m.appendTail(out);
    return out.toString();
  }
}
